import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSigned {
  dir: string;
  certFile: string;
  cert: string;
  key: string;
  /** The certificate's notAfter, as the TLS handshake will present it. */
  notAfter: Date;
  cleanup(): void;
}

/** A self-signed certificate for 127.0.0.1, valid for `days`, made by the real openssl. */
export function selfSigned(days: number): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-health-cert-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      String(days),
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'pipe' },
  );
  const cert = readFileSync(certFile, 'utf8');
  return {
    dir,
    certFile,
    cert,
    key: readFileSync(keyFile, 'utf8'),
    notAfter: new Date(new X509Certificate(cert).validTo),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * What the probed services answer: /ok 200, /slow?ms=N 200 after N ms, /fail 500, /moved 302,
 * /metrics a Prometheus text exposition of `metrics` (set by the test).
 */
function handler(state: { metrics: string; hits: string[] }) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    state.hits.push(url.pathname);
    if (url.pathname === '/ok') return res.end('ok');
    if (url.pathname === '/slow') {
      const t = setTimeout(() => res.end('slow ok'), Number(url.searchParams.get('ms') ?? 0));
      res.on('close', () => clearTimeout(t));
      return;
    }
    if (url.pathname === '/fail') {
      res.statusCode = 500;
      return res.end('internal error');
    }
    if (url.pathname === '/moved') {
      res.writeHead(302, { location: '/ok' });
      return res.end();
    }
    if (url.pathname === '/metrics') {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      return res.end(state.metrics);
    }
    res.statusCode = 404;
    res.end('not found');
  };
}

export interface Target {
  url: string;
  /** host:port, for a scrape config. */
  host: string;
  state: { metrics: string; hits: string[] };
  stop(): Promise<void>;
}

async function listen(server: Server, scheme: string, state: Target['state']): Promise<Target> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    state,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function startTarget(metrics = ''): Promise<Target> {
  const state = { metrics, hits: [] as string[] };
  return listen(createHttp(handler(state)), 'http', state);
}

export function startTlsTarget(cert: SelfSigned): Promise<Target> {
  const state = { metrics: '', hits: [] as string[] };
  return listen(createHttps({ cert: cert.cert, key: cert.key }, handler(state)), 'https', state);
}
