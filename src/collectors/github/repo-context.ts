import type { AnyRecordInput } from '../../domain/records.js';
import type { Queryable } from '../../store/store.js';
import type { CollectorLogger } from '../collector.js';
import type { GitHubOctokit } from './client.js';
import type { Etags } from './conditional.js';
import type { GitHubCursor } from './cursor.js';

/** Rules from config (`github:`) and the command line, resolved once. Bots and hotfixes are enrichment's. */
export interface GitHubSettings {
  /** Deployments API environments that are collected (case-insensitive regular expression). */
  deployEnvironmentPattern: string;
  /** Workflow runs or jobs whose name matches are deployments too; null turns it off. */
  deployWorkflowPattern: string | null;
  deployWorkflowEnvironment: string;
  releasesAsDeployments: boolean;
  incidentLabels: string[];
  /** Runs created this long before the newest one are listed again, to catch re-runs. */
  rerunLookbackHours: number;
  /** A repository whose change probe says "unchanged" is still read in full this often. */
  sweepMinutes: number;
  /** Only data created (PRs: updated) at or after this, on a first run. */
  since: Date | null;
  pageSize: number;
  /**
   * Where jobs come from: REST (one listing per new run, with created_at for queue time) or
   * GraphQL check runs (100 runs a request, no queue time; re-run runs still use REST).
   */
  jobsVia: 'rest' | 'graphql';
  /** With GraphQL jobs: a run whose jobs the store has no creation time for is read over REST too. */
  queueTimeFallback: 'rest' | 'none';
}

/** Everything one repository's collection needs; `next` is the cursor being built. */
export interface RepoContext {
  octokit: GitHubOctokit;
  /** For look-ups only: which jobs webhook deliveries already stored with their creation time. */
  store: Queryable;
  owner: string;
  name: string;
  /** owner/name */
  repo: string;
  defaultBranch: string | null;
  previous: GitHubCursor;
  /** True when there is no previous cursor: everything is read. */
  first: boolean;
  next: GitHubCursor;
  etags: { old: Etags; next: Etags };
  settings: GitHubSettings;
  logger: CollectorLogger;
}

export type Batches = AsyncGenerator<AnyRecordInput[], void, void>;

export const maxIso = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : new Date(a) >= new Date(b) ? a : b;
export const minIso = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : new Date(a) <= new Date(b) ? a : b;
