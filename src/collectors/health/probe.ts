import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates, type TLSSocket } from 'node:tls';
import type { HttpCheck } from './options.js';
import { statusMatches, type ProbeResult } from './state.js';

const DAY_MS = 86_400_000;

/**
 * One GET of a check's URL on a fresh connection. node:http(s) rather than fetch: the same
 * connection then yields the status, the latency and the server's leaf certificate, which fetch
 * does not expose. Redirects are not followed (a 3xx is the answer), and the latency runs until
 * the body has been read, as a user waiting for the page would see it. A failure of any kind is a
 * result (down), never an exception.
 */
export function probe(check: HttpCheck, extraCa: string | undefined, now: Date): Promise<ProbeResult> {
  const url = new URL(check.url);
  const https = url.protocol === 'https:';
  const t0 = performance.now();
  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    const finish = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const options = {
      method: 'GET',
      // A fresh connection per probe: a kept-alive one would hide connect and TLS time.
      agent: false as const,
      headers: { accept: '*/*', 'user-agent': 'pitwall-health' },
      // `ca` replaces Node's roots, so a private CA is added to them rather than put in their place.
      ...(https && extraCa ? { ca: [...rootCertificates, extraCa] } : {}),
    };
    const onResponse = (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      let certDaysLeft: number | undefined;
      if (https) {
        const cert = (res.socket as TLSSocket).getPeerCertificate();
        const notAfter = cert?.valid_to ? Date.parse(cert.valid_to) : NaN;
        if (Number.isFinite(notAfter))
          certDaysLeft = Math.round(((notAfter - now.getTime()) / DAY_MS) * 1000) / 1000;
      }
      res.on('error', (e) => finish({ up: false, status, error: `body broke off: ${e.message}` }));
      // After 'end' this is a no-op; before it, the answer was cut (a timeout, a reset).
      res.on('close', () =>
        finish({ up: false, status, error: 'the connection closed before the body ended' }),
      );
      res.on('end', () => {
        const up = statusMatches(status, check.expect_status);
        finish({
          up,
          status,
          latencyMs: Math.round((performance.now() - t0) * 10) / 10,
          ...(certDaysLeft === undefined ? {} : { certDaysLeft }),
          ...(up ? {} : { error: `answered ${status}, expected ${check.expect_status.join(' or ')}` }),
        });
      });
      res.resume();
    };
    const req: ClientRequest = https
      ? httpsRequest(url, options, onResponse)
      : httpRequest(url, options, onResponse);
    const timer = setTimeout(
      () => req.destroy(new Error(`no complete answer within ${check.timeout_ms} ms (timeout_ms)`)),
      check.timeout_ms,
    );
    req.on('error', (e) => finish({ up: false, error: e.message }));
    req.end();
  });
}
