import Bottleneck from 'bottleneck';
import pRetry, { AbortError } from 'p-retry';
import type { CollectorLogger } from '../collector.js';

/**
 * A small fetch client rather than @gitbeaker/rest: the collector needs GraphQL (gitbeaker has
 * none), keyset pagination driven by `Link` headers, and an exact count of every request for
 * the run's summary and the benchmark; here each is a few lines and nothing is hidden.
 */
export interface GitLabClientOptions {
  /** https://gitlab.com or a self-managed instance's address, without /api/v4. */
  baseUrl: string;
  token: string;
  logger: CollectorLogger;
  /** Retries of a 429, a 5xx or a dropped connection. */
  retries?: number;
  /** Milliseconds per second of `Retry-After` (and of waiting for `RateLimit-Reset`); tests lower it. */
  retryAfterBaseMs?: number;
  /** Requests in flight at once, over all projects of a run. */
  maxConcurrent?: number;
}

/** Requests made, for the summary and the benchmark. */
export interface GitLabStats {
  requests: number;
  rest: number;
  graphql: number;
  retried: number;
  /** Times the client paused because `RateLimit-Remaining` reached 0. */
  rateLimited: number;
}

export interface RestPage<T> {
  data: T;
  /** The `rel="next"` URL of the `Link` header (keyset or offset), or null on the last page. */
  next: string | null;
}

export class GitLabHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const nextLink = (link: string | null): string | null => {
  if (!link) return null;
  for (const part of link.split(','))
    if (/rel="?next"?/.test(part)) return /<([^>]+)>/.exec(part)?.[1] ?? null;
  return null;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface GitLabClient {
  stats: GitLabStats;
  /** GET `/api/v4${path}` (or an absolute `next` URL from a previous page). */
  get<T = unknown>(
    pathOrUrl: string,
    query?: Record<string, string | number | boolean | undefined>,
  ): Promise<RestPage<T>>;
  graphql<T = unknown>(query: string, variables: Record<string, unknown>): Promise<T>;
}

/**
 * 429 and 5xx answers and dropped connections are retried (p-retry, waiting out `Retry-After`);
 * when `RateLimit-Remaining` reaches 0 the client waits for `RateLimit-Reset` before sending more.
 * The token goes in a header only: it never reaches a log line or an error message.
 */
export function createGitLabClient(o: GitLabClientOptions): GitLabClient {
  const base = o.baseUrl.replace(/\/+$/, '');
  const unit = o.retryAfterBaseMs ?? 1000;
  const retries = o.retries ?? 4;
  const limiter = new Bottleneck({ maxConcurrent: o.maxConcurrent ?? 8 });
  const stats: GitLabStats = { requests: 0, rest: 0, graphql: 0, retried: 0, rateLimited: 0 };
  let pausedUntil = 0;

  async function send(url: string, init: RequestInit, what: string): Promise<Response> {
    return pRetry(
      async () => {
        const wait = pausedUntil - Date.now();
        if (wait > 0) await sleep(wait);
        stats.requests++;
        let res: Response;
        try {
          res = await limiter.schedule(() => fetch(url, init));
        } catch (e) {
          // A dropped connection: worth another try.
          throw new GitLabHttpError(
            0,
            `${what}: connection failed (${e instanceof Error ? e.message : String(e)})`,
          );
        }
        const remaining = Number(res.headers.get('ratelimit-remaining') ?? 'NaN');
        const reset = Number(res.headers.get('ratelimit-reset') ?? 'NaN');
        if (remaining === 0 && Number.isFinite(reset)) {
          stats.rateLimited++;
          // Reset is epoch seconds; scaled like Retry-After so tests need not wait real seconds.
          const seconds = Math.max(0, Math.min(60, reset - Date.now() / 1000));
          pausedUntil = Math.max(pausedUntil, Date.now() + seconds * unit);
        }
        if (res.status === 429 || res.status >= 500) {
          const after = Number(res.headers.get('retry-after') ?? '1');
          pausedUntil = Math.max(pausedUntil, Date.now() + (Number.isFinite(after) ? after : 1) * unit);
          await res.body?.cancel();
          throw new GitLabHttpError(res.status, `${what}: GitLab answered ${res.status}`);
        }
        if (!res.ok) {
          const body = await res.text().catch(() => '');
          const message = /"(?:message|error)"\s*:\s*"([^"]{0,200})"/.exec(body)?.[1] ?? '';
          throw new AbortError(
            new GitLabHttpError(
              res.status,
              `${what}: GitLab answered ${res.status}${message ? ` (${message})` : ''}`,
            ),
          );
        }
        return res;
      },
      {
        retries,
        minTimeout: Math.min(unit, 1000),
        factor: 2,
        onFailedAttempt: ({ error, retriesLeft }) => {
          if (retriesLeft > 0) {
            stats.retried++;
            o.logger.info(
              { route: what, error: error.message, retriesLeft },
              'gitlab request failed; retrying',
            );
          }
        },
      },
    );
  }

  const headers = {
    'private-token': o.token,
    accept: 'application/json',
    'user-agent': 'pitwall-gitlab-collector',
  };

  return {
    stats,
    async get<T>(pathOrUrl: string, query: Record<string, string | number | boolean | undefined> = {}) {
      const url = new URL(/^https?:/.test(pathOrUrl) ? pathOrUrl : `${base}/api/v4${pathOrUrl}`);
      for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
      stats.rest++;
      const res = await send(url.toString(), { headers }, `GET ${url.pathname}`);
      const data = (await res.json()) as T;
      return { data, next: nextLink(res.headers.get('link')) };
    },
    async graphql<T>(query: string, variables: Record<string, unknown>) {
      stats.graphql++;
      const res = await send(
        `${base}/api/graphql`,
        {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        },
        'POST /api/graphql',
      );
      const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
      if (body.errors?.length) throw new GitLabHttpError(200, `GitLab GraphQL: ${body.errors[0]!.message}`);
      if (!body.data) throw new GitLabHttpError(200, 'GitLab GraphQL answered without data');
      return body.data;
    },
  };
}
