import { PitwallError } from '../../errors/errors.js';
import type { CollectorLogger } from '../collector.js';

/** Requests made and retried by one client: the collectors' summary facts and the tests' economy checks. */
export interface RequestStats {
  requests: number;
  retried: number;
}

export interface JsonClientOptions {
  /** e.g. https://api.pagerduty.com; paths are appended to it. */
  baseUrl: string;
  /** Sent on every request; never logged or put in an error message. */
  headers: Record<string, string>;
  /** Which service, in messages: "PagerDuty", "Opsgenie". */
  service: string;
  logger: CollectorLogger;
  /** First back-off for a 5xx or a 429 without a wait header; doubles each retry. */
  retryBaseMs?: number;
  retries?: number;
  fetch?: typeof fetch;
}

export interface JsonClient {
  get(path: string, query?: URLSearchParams): Promise<unknown>;
  stats: RequestStats;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How long a 429 asks us to wait: Retry-After (seconds or a date), else PagerDuty's
 * ratelimit-reset (seconds until the window resets) or Opsgenie's X-RateLimit-Period-In-Sec.
 */
export function waitFromHeaders(h: Headers, now = Date.now()): number | null {
  const after = h.get('retry-after');
  if (after !== null) {
    const s = Number(after);
    if (Number.isFinite(s)) return Math.max(0, s * 1000);
    const at = Date.parse(after);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  for (const name of ['ratelimit-reset', 'x-ratelimit-period-in-sec']) {
    const v = Number(h.get(name) ?? '');
    if (h.get(name) !== null && Number.isFinite(v)) return Math.max(0, v * 1000);
  }
  return null;
}

/**
 * A small JSON GET client over fetch for the incident systems' REST APIs: counts requests,
 * retries 429 (after the wait the server asks for, capped at a minute) and 5xx/network errors
 * with exponential back-off, and names the status and path, never the credentials, on failure.
 */
export function jsonClient(o: JsonClientOptions): JsonClient {
  const stats: RequestStats = { requests: 0, retried: 0 };
  const base = o.baseUrl.replace(/\/+$/, '');
  const retries = o.retries ?? 5;
  const baseMs = o.retryBaseMs ?? 1000;
  const doFetch = o.fetch ?? fetch;
  return {
    stats,
    async get(path, query) {
      const url = `${base}${path}${query && [...query.keys()].length ? `?${query.toString()}` : ''}`;
      for (let attempt = 0; ; attempt++) {
        stats.requests++;
        let res: Response | null = null;
        let failure: string;
        try {
          res = await doFetch(url, { headers: { accept: 'application/json', ...o.headers } });
          if (res.ok) return (await res.json()) as unknown;
          failure = `${o.service} answered ${res.status} to GET ${path}`;
        } catch (e) {
          failure = `${o.service} unreachable at GET ${path}: ${(e as Error).message}`;
        }
        const status = res?.status ?? 0;
        if (status === 401 || status === 403)
          throw new PitwallError(
            'collector_failed',
            `${failure}: check the API key (it needs read access to incidents)`,
          );
        const retryable = status === 0 || status === 429 || status >= 500;
        if (!retryable || attempt >= retries) {
          const detail = res ? (await res.text().catch(() => '')).slice(0, 200) : '';
          throw new PitwallError('collector_failed', `${failure}${detail ? `: ${detail}` : ''}`);
        }
        const asked = res && status === 429 ? waitFromHeaders(res.headers) : null;
        const wait = Math.min(60_000, asked ?? baseMs * 2 ** attempt);
        stats.retried++;
        o.logger.warn({ status, path, wait_ms: wait, attempt: attempt + 1 }, `${o.service} request retried`);
        await res?.body?.cancel().catch(() => undefined);
        await sleep(wait);
      }
    },
  };
}
