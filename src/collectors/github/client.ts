import { Octokit } from '@octokit/core';
import { createAppAuth } from '@octokit/auth-app';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { RequestError } from '@octokit/request-error';
import Bottleneck from 'bottleneck';
import type { CollectorLogger } from '../collector.js';

const GitHubOctokit = Octokit.plugin(throttling, retry, paginateRest);
export type GitHubOctokit = InstanceType<typeof GitHubOctokit>;

export type GitHubAuth =
  | { type: 'token'; token: string }
  | { type: 'app'; appId: string; privateKey: string; installationId: number };

export interface ClientOptions {
  auth: GitHubAuth;
  /** https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  apiUrl: string;
  logger: CollectorLogger;
  /** Milliseconds per second of `retry-after`; lowered only by tests. */
  retryAfterBaseMs?: number;
  /** Retries of a 5xx, of a secondary limit and of an exhausted primary limit. */
  retries?: number;
  /**
   * Least time between two GraphQL POSTs; null keeps Octokit's throttling (its write limiter:
   * one at a time, 1 s apart). GitHub asks for that pause only between mutations, and this
   * collector only queries, so a lower value is safe where the secondary limits allow it.
   */
  graphqlMinIntervalMs?: number | null;
}

/** What paces GraphQL, for the summary and the benchmark. */
export const graphqlPacing = (ms: number | null | undefined): string =>
  ms === null || ms === undefined
    ? "Octokit's write limiter (1 request at a time, 1000 ms apart)"
    : `1 request at a time, ${ms} ms apart (github.graphql_min_interval_ms)`;

/** Requests made, by how GitHub counted them: what the benchmark and the summary report. */
export interface RequestStats {
  requests: number;
  notModified: number;
  graphql: number;
  retried: number;
}

export interface GitHubClient {
  octokit: GitHubOctokit;
  stats: RequestStats;
}

/**
 * Octokit with GitHub's recommended throttling (queues requests, waits out secondary limits
 * and `retry-after`) and retries of 5xx. Secrets never reach the logger: only routes are logged.
 */
export function createClient(o: ClientOptions): GitHubClient {
  const retries = o.retries ?? 4;
  const stats: RequestStats = { requests: 0, notModified: 0, graphql: 0, retried: 0 };
  const onLimit =
    (what: string) =>
    (retryAfter: number, options: { method?: string; url?: string }, _o: unknown, retryCount: number) => {
      o.logger.warn(
        { route: `${options.method} ${options.url}`, retryAfter, retryCount },
        `${what}; waiting`,
      );
      stats.retried++;
      return retryCount < retries;
    };
  const auth =
    o.auth.type === 'token'
      ? { auth: o.auth.token }
      : {
          authStrategy: createAppAuth,
          auth: { appId: o.auth.appId, privateKey: o.auth.privateKey, installationId: o.auth.installationId },
        };
  const octokit = new GitHubOctokit({
    ...auth,
    baseUrl: o.apiUrl.replace(/\/+$/, ''),
    userAgent: 'pitwall-github-collector',
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    throttle: {
      // The plugin sends every POST, queries included, through its shared "write" limiter;
      // a group of our own replaces it only when a pacing is configured.
      ...(typeof o.graphqlMinIntervalMs === 'number'
        ? {
            write: new Bottleneck.Group({
              id: `pitwall-graphql-${o.graphqlMinIntervalMs}`,
              maxConcurrent: 1,
              minTime: o.graphqlMinIntervalMs,
            }),
          }
        : {}),
      retryAfterBaseValue: o.retryAfterBaseMs ?? 1000,
      fallbackSecondaryRateRetryAfter: 60,
      onRateLimit: onLimit('primary rate limit exhausted'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
    },
    retry: { retries, retryAfterBaseValue: o.retryAfterBaseMs ?? 1000 },
  });
  octokit.hook.wrap('request', async (request, options) => {
    stats.requests++;
    if (String(options.url).endsWith('/graphql')) stats.graphql++;
    try {
      return await request(options);
    } catch (e) {
      if (e instanceof RequestError && e.status === 304) stats.notModified++;
      else if (e instanceof RequestError && e.status >= 500) stats.retried++;
      throw e;
    }
  });
  return { octokit, stats };
}

export const isNotModified = (e: unknown): boolean => e instanceof RequestError && e.status === 304;
export const statusOfError = (e: unknown): number | null => (e instanceof RequestError ? e.status : null);

/** The App's installation on an organisation, when PITWALL_GITHUB_APP_INSTALLATION_ID is not given. */
export async function findInstallation(
  apiUrl: string,
  appId: string,
  privateKey: string,
  org: string,
): Promise<number> {
  const app = new GitHubOctokit({
    authStrategy: createAppAuth,
    auth: { appId, privateKey },
    baseUrl: apiUrl.replace(/\/+$/, ''),
    throttle: { enabled: false },
  });
  const res = await app.request('GET /orgs/{org}/installation', { org });
  const id = (res.data as { id?: unknown }).id;
  if (typeof id !== 'number') throw new Error(`GitHub returned no installation id for ${org}`);
  return id;
}
