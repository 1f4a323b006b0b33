import type { AnyRecordInput } from '../domain/records.js';
import type { DemoOptions } from './options.js';
import type { DemoOrg, DemoRepo, DemoTeam, TestCase } from './org.js';
import type { Realised } from './realised.js';
import type { Rng } from './random.js';

export type DemoRecord = AnyRecordInput;

/** An event on a repo's timeline, processed in time order so main's DAG and deployments agree. */
export type RepoEvent =
  | { at: number; type: 'commit'; commit: MainCommit }
  | { at: number; type: 'deploy'; remedial: boolean }
  | { at: number; type: 'staging' };

export interface MainCommit {
  sha: string;
  author: string;
  authoredAt: number;
  subject: string;
  origin: 'pr' | 'direct' | 'revert' | 'hotfix';
  prNumber: number | null;
  additions: number;
  deletions: number;
  files: number;
  revertsSha: string | null;
}

export interface RepoState {
  repo: DemoRepo;
  team: DemoTeam;
  index: number;
  tests: TestCase[];
  tip: string;
  commitSeq: number;
  prSeq: number;
  deploySeq: number;
  incidentSeq: number;
  queue: RepoEvent[];
  seq: number;
  /** Main commits not yet in a successful production deployment. */
  undeployed: { sha: string; committedAt: number; origin: MainCommit['origin']; subject: string }[];
  lastProductionSha: string;
  lastStagingSha: string;
  /** A failed deployment waits for its remedial deployment: regular ones are held back. */
  awaiting: { failedIndex: number } | null;
  pendingRemedy: boolean;
  /** No deployment may start before the previous one finished (Pitwall orders by finished_at). */
  busyUntil: number;
}

export interface DemoContext {
  o: DemoOptions;
  org: DemoOrg;
  start: number;
  end: number;
  cacheAt: number;
  realised: Realised;
  rng: { code: Rng; ci: Rng; delivery: Rng; env: Rng; inner: Rng; dx: Rng; coverage: Rng };
  nextRunId: () => string;
  emit: (r: DemoRecord) => void;
}

/** Keeps the queue sorted by time; ties keep insertion order so generation stays deterministic. */
export function schedule(st: RepoState, ev: RepoEvent): void {
  const q = st.queue;
  let i = q.length;
  while (i > 0 && q[i - 1]!.at > ev.at) i--;
  q.splice(i, 0, ev);
}

export const iso = (ms: number) => new Date(ms);
export const isWeekday = (ms: number) => {
  const d = new Date(ms).getUTCDay();
  return d !== 0 && d !== 6;
};
