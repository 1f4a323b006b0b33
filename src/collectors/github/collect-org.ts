import type { Config } from '../../config/schema.js';
import type { RecordKind } from '../../domain/records.js';
import type { Store } from '../../store/store.js';
import type { CollectorLogger } from '../collector.js';
import { runEach, type SourceRun } from '../run-split.js';
import { runPrepared } from '../run.js';
import type { GitHubClient, RequestStats } from './client.js';
import { repoSource } from './collect-repo.js';
import { githubCollector } from './collector.js';
import type { OrgRepo } from './org-repos.js';
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

/** A run's sources as repositories: what the CLI prints and the benchmark counts. */
export function repoOutcomes(runs: readonly SourceRun[]): RepoOutcome[] {
  return runs.map((r) => ({
    repo: r.source.replace(/^github:/, ''),
    ok: r.ok,
    skipped: r.facts.skipped === true,
    error: r.error,
    written: r.written,
    records: r.total,
  }));
}

export interface CollectGitHubOptions {
  store: Store;
  config: Config;
  client: GitHubClient;
  settings: GitHubSettings;
  repos: OrgRepo[];
  logger: CollectorLogger;
  concurrency: number;
}

/**
 * The given repositories with a client built by the caller, through the same per-repository
 * runs as `pitwall collect github`: for the benchmark and the test server's tests, which
 * measure the collection itself. The caller brings the derived tables up to date afterwards.
 */
export async function collectGitHub(o: CollectGitHubOptions): Promise<GitHubCollection> {
  const t0 = performance.now();
  const sources = o.repos.map((r) => repoSource(r.repo, r.default_branch, o.client, o.settings));
  const runs = await runEach(
    githubCollector,
    sources,
    o.concurrency,
    { store: o.store, config: o.config, logger: o.logger },
    runPrepared,
  );
  return { repos: repoOutcomes(runs), requests: { ...o.client.stats }, elapsedMs: performance.now() - t0 };
}
