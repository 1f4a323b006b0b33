import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Config } from '../../src/config/schema.js';
import { loadConfig } from '../../src/plugins.js';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real HTTP server on loopback standing in for a Slack (or Mattermost) incoming webhook. */
export interface WebhookReceiver {
  url: string;
  /** Payloads answered 200, in order. */
  payloads: { text: string; attachments?: { title: string; text: string; color: string }[] }[];
  /** Every POST, failed ones included. */
  attempts: number;
  /** The next n requests are answered 500. */
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path: string): Promise<WebhookReceiver> {
  let failing = 0;
  const r = { payloads: [], attempts: 0 } as unknown as WebhookReceiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      r.attempts++;
      if (req.method !== 'POST' || req.url !== path || req.headers['content-type'] !== 'application/json') {
        res.writeHead(404).end('no such hook');
        return;
      }
      if (failing > 0) {
        failing--;
        res.writeHead(500).end('try later');
        return;
      }
      r.payloads.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  r.url = `http://127.0.0.1:${port}${path}`;
  r.failNext = (n) => (failing = n);
  r.close = () => new Promise((resolve) => server.close(() => resolve()));
  return r;
}

/** A real SMTP server on loopback (smtp-server) that requires AUTH and keeps what it receives, parsed. */
export interface SmtpReceiver {
  port: number;
  mails: ParsedMail[];
  /** Envelope recipients per mail. */
  rcpt: string[][];
  close(): Promise<void>;
}

export async function startSmtpReceiver(user: string, password: string): Promise<SmtpReceiver> {
  const mails: ParsedMail[] = [];
  const rcpt: string[][] = [];
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to trust; AUTH is still required.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === password) cb(null, { user });
      else cb(new Error('invalid credentials'));
    },
    onData(stream, session, cb) {
      simpleParser(stream).then(
        (m) => {
          mails.push(m);
          rcpt.push(session.envelope.rcptTo.map((a) => a.address));
          cb();
        },
        (e: Error) => cb(e),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, rcpt, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Config through the real loader, from a pitwall.yaml in a temp folder. */
export function configFrom(yaml: Record<string, unknown>, env: Record<string, string> = {}): Config {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-alerts-cfg-'));
  try {
    writeFileSync(join(dir, 'pitwall.yaml'), stringify(yaml));
    return loadConfig({ cwd: dir, env });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
