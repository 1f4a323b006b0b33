import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import type { RecordKind } from '../../domain/records.js';
import type { Store } from '../../store/store.js';
import type { CollectorLogger } from '../collector.js';
import { prepareCollector, type CollectSummary } from '../run.js';
import { readSource, writeSource } from '../sources.js';
import type { GitHubClient, RequestStats } from './client.js';
import { conditionalGet } from './conditional.js';
import { githubCollector } from './collector.js';
import type { GitHubSettings } from './repo-context.js';

export interface RepoOutcome {
  repo: string;
  ok: boolean;
  skipped: boolean;
  error: string | null;
  written: Partial<Record<RecordKind, number>>;
  records: number;
}

export interface GitHubCollection {
  repos: RepoOutcome[];
  requests: RequestStats;
  elapsedMs: number;
}

const orgRepo = z.object({
  full_name: z.string(),
  archived: z.boolean().default(false),
  default_branch: z.string().nullish(),
});
const orgListing = z.object({
  etags: z.record(z.string(), z.string()),
  repos: z.array(z.object({ repo: z.string(), default_branch: z.string().nullable() })),
});

/**
 * The organisation's repositories, archived ones left out. The listing is remembered in its
 * own `sources` row (`github-org:<org>`) with its ETag: an unchanged org costs one free 304.
 */
export async function listOrgRepos(
  client: GitHubClient,
  store: Store,
  org: string,
): Promise<{ repo: string; default_branch: string | null }[]> {
  const id = `github-org:${org}`;
  const before = await readSource(store, id);
  let cached: z.output<typeof orgListing> | null;
  try {
    cached = before?.cursor ? orgListing.parse(JSON.parse(before.cursor)) : null;
  } catch {
    cached = null;
  }
  const etags = { old: cached?.etags ?? {}, next: {} as Record<string, string> };
  const first = await conditionalGet(
    client.octokit,
    'GET /orgs/{org}/repos',
    { org, per_page: 100, page: 1, sort: 'full_name' },
    z.array(orgRepo),
    etags,
  );
  if (first.notModified && cached) return cached.repos;
  const all = first.notModified ? [] : [...first.data];
  for (let page = 2, more = !first.notModified && first.hasNext; more; page++) {
    const r = await conditionalGet(
      client.octokit,
      'GET /orgs/{org}/repos',
      { org, per_page: 100, page, sort: 'full_name' },
      z.array(orgRepo),
      null,
    );
    if (r.notModified) break;
    all.push(...r.data);
    more = r.hasNext;
  }
  const repos = all
    .filter((r) => !r.archived)
    .map((r) => ({ repo: r.full_name, default_branch: r.default_branch ?? null }));
  const now = new Date();
  await writeSource(store, {
    id,
    kind: 'github',
    cursor: JSON.stringify({ etags: etags.next, repos }),
    last_run_at: now,
    last_success_at: now,
    last_error: null,
    last_error_at: before?.last_error_at ?? null,
    records: before?.records ?? 0,
  });
  return repos;
}

export interface CollectGitHubOptions {
  store: Store;
  config: Config;
  client: GitHubClient;
  settings: GitHubSettings;
  repos: { repo: string; default_branch: string | null }[];
  logger: CollectorLogger;
  concurrency: number;
  onRepo?: (o: RepoOutcome) => void;
}

/**
 * Every repository is its own run with its own `sources` row: a failing repository is
 * recorded there (last_error) and skipped while the others proceed. The caller brings the
 * derived tables up to date afterwards (collectors never enrich).
 */
export async function collectGitHub(o: CollectGitHubOptions): Promise<GitHubCollection> {
  const t0 = performance.now();
  const outcomes: RepoOutcome[] = [];
  const queue = [...o.repos];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const outcome = await collectOne(o, next.repo, next.default_branch);
      outcomes.push(outcome);
      o.onRepo?.(outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, queue.length)) }, worker));
  outcomes.sort((a, b) => a.repo.localeCompare(b.repo));
  return { repos: outcomes, requests: { ...o.client.stats }, elapsedMs: performance.now() - t0 };
}

async function collectOne(
  o: CollectGitHubOptions,
  repo: string,
  defaultBranch: string | null,
): Promise<RepoOutcome> {
  try {
    const job = await prepareCollector(
      githubCollector,
      { repo, default_branch: defaultBranch, client: o.client, settings: o.settings },
      o.config,
    );
    const s: CollectSummary = await job.run({ store: o.store, config: o.config, logger: o.logger });
    return {
      repo,
      ok: true,
      skipped: s.facts.skipped === true,
      error: null,
      written: s.written,
      records: s.total,
    };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    o.logger.warn({ repo, error }, 'repository failed; skipped (recorded on its source)');
    return { repo, ok: false, skipped: false, error, written: {}, records: 0 };
  }
}
