import type { RecordKind } from '../domain/records.js';
import type { Remedy } from './params.js';

/** Linear-interpolated percentile over sorted values: the same as SQL percentile_cont. */
export function percentileCont(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface FailedDeployment {
  id: string;
  service: string;
  team: string;
  finishedAt: string;
  /** The one remedy applied; the matching Pitwall outcome reason is the same word ('status', 'incident', 'revert', 'hotfix'). */
  remedy: Remedy;
  /** incident: the incident id; revert: the reverted sha; hotfix: the hotfix commit sha; status: null. */
  remedyRef: string | null;
  /** incident: resolved_at; otherwise the next successful production deployment's finished_at; null if after the window. */
  restoredAt: string | null;
}

/** One provisioning as the warehouse holds it (epoch ms), with the CI it waited for. */
export interface ProvisionRow {
  startedAt: number;
  endedAt: number;
  ok: boolean;
  phases: { name: string; startedAt: number; ms: number }[];
  /** The started counter's tag; null when the provisioning failed before it started (checks phase). */
  ciTestsComplete: boolean | null;
  /** Kubernetes phase start minus the latest end of a successful `build` job of the head sha before it. */
  ciDelayMs: number | null;
  /** Successful ones: ready minus the end of the head's last CI test job (attempt 1); negative = ready first. */
  readyMinusTestsMs: number | null;
  /**
   * Successful ones joined to an image job (as ciDelayMs): the end of that job's run attempt's
   * test jobs minus ready, 0 when the tests ended first: the parallel development time.
   */
  parallelMs: number | null;
}

/** Values realised by the draws, accumulated while the records stream; exact by construction. */
export class Realised {
  readonly counts: Partial<Record<RecordKind, number>> = {};
  readonly failed: FailedDeployment[] = [];
  /** Failed attempts retried with the same sha within the retry window: not change failures. */
  readonly retriedAttempts: { id: string; team: string; retryId: string; finishedAt: string }[] = [];
  /** Per team: production deployments with status success or failure, finished inside the window. */
  readonly productionDeployments = new Map<string, number>();
  /** Per team: UTC day numbers (epoch ms / 86,400,000) with ≥ 1 successful production deployment. */
  readonly deployDays = new Map<string, Set<number>>();
  readonly leadTimeHours = new Map<string, number[]>();
  readonly incidentHours = new Map<string, number[]>();
  readonly reviewLatencyHours = new Map<string, number[]>();
  readonly cycleTimeHours = new Map<string, number[]>();
  /** Only with detail: "repo sha" → first successful production deployment id. */
  readonly commitFirstDeployment = new Map<string, string>();
  readonly flakyRealised = new Set<string>();
  ci = { runs: 0, attempts: 0, reruns: 0, flakyFailures: 0, genuineFailures: 0, successfulRuns: 0 };
  readonly queueSeconds = { busy: [] as number[], quiet: [] as number[] };
  readonly provisioning = {
    provisions: 0,
    failures: {} as Record<string, number>,
    reprovisions: 0,
    phaseSeconds: new Map<string, number[]>(),
    /** One per root `testenv.provision` span, as stored: the before/after truth is computed from these. */
    rows: [] as ProvisionRow[],
    /** Only with detail: every DogStatsD line the provisioning sent, in order (a test replays them to a real listener). */
    statsdLines: [] as string[],
  };
  readonly commandMs = new Map<string, number[]>();
  /** "team question" → [sum, count]. */
  readonly survey = new Map<string, [number, number]>();
  readonly nps = new Map<string, { promoters: number; detractors: number; total: number }>();
  finished = false;

  constructor(readonly detail: boolean) {}

  push(map: Map<string, number[]>, key: string, v: number): void {
    const list = map.get(key);
    if (list) list.push(v);
    else map.set(key, [v]);
  }

  count(kind: RecordKind): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }
}
