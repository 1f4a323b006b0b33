import { DAY } from './options.js';
import { percentileCont, type ProvisionRow, type Realised } from './realised.js';
import type { Dist } from './summary.js';
import type { DemoTruth } from './truth.js';

const dist = (v: readonly number[]): Dist => ({
  count: v.length,
  p50: percentileCont(v, 0.5),
  p90: percentileCont(v, 0.9),
});
const minutes = (ms: number) => ms / 60_000;

interface Split<T> {
  before: T;
  after: T;
}

/** Realised provisioning, exact for the generated spans (see each field for what it is over). */
export interface ProvisioningTruth {
  /** Root `testenv.provision` spans, including re-provisions. */
  provisions: number;
  failuresByCategory: Record<string, number>;
  /** deprovision → provision on the same key within 2 h. */
  reprovisions: number;
  phaseSeconds: Record<string, Dist>;
  /** Only with detail: the DogStatsD lines the demo's instrumentation sent, in order. */
  statsdLines: string[] | null;
  /**
   * The planted optimisation. `before` is [window.from, at), `after` is [at, window.to), each
   * span placed by its own started_at (a metric's facts `ts`): roots for lead time, counts and
   * rates; each phase span for its phase. Percentiles are percentile_cont's.
   */
  optimisation: {
    at: string;
    annotationId: string;
    /** Successful provisions: ended_at − started_at, minutes. The planted effect. */
    leadTimeMinutes: Split<Dist>;
    /** Median lead time before minus after, minutes (> 0: faster). */
    leadTimeSavedMinutes: number | null;
    /** testenv.checks spans (all, failed ones too), minutes: the phase the change shortens. */
    checksMinutes: Split<Dist>;
    /** testenv.kubernetes spans: the planted null (drawn the same before and after). */
    kubernetesMinutes: Split<Dist>;
    /** testenv.wait_ready spans: drawn the same before and after too. */
    waitReadyMinutes: Split<Dist>;
    /** Roots per 7 days of the split (before: from..at, after: at..to), and over the window. */
    provisionsPerWeek: Split<number> & { whole: number };
    /** Error roots / roots (re-provisions included): drawn at the same rate before and after. */
    failureRate: Split<number | null>;
    /**
     * Kubernetes phase start minus the latest end of a successful `build` job (repo and sha of the
     * PR head) before it, minutes, over provisions that reached the kubernetes phase (by root start).
     */
    ciToProvisioningMinutes: Split<Dist>;
    /**
     * Successful provisions: ready (root ended_at) minus the end of the head sha's last test-stage
     * job (unit, integration, e2e) of attempt 1, minutes. Negative: the environment was ready
     * before CI tests finished, and −value is the parallel development time.
     */
    readyMinusCiTestsMinutes: Split<Dist>;
    /**
     * Parallel development time, minutes: successful provisions joined to an image job (as the
     * CI delay), the end of that job's run attempt's test jobs minus ready, 0 when the tests
     * ended first.
     */
    parallelDevelopmentMinutes: Split<Dist>;
    /** Roots with ci_tests_complete false among roots that have the attribute (those that started). */
    earlyProvisioning: Split<{ early: number; started: number; share: number | null }>;
  };
}

export function summariseProvisioning(truth: DemoTruth, r: Realised): ProvisioningTruth {
  const p = r.provisioning;
  const from = Date.parse(truth.window.from);
  const to = Date.parse(truth.window.to);
  const at = Date.parse(truth.provisioning.optimisation.at);
  const split = <T>(f: (rows: ProvisionRow[], lo: number, hi: number) => T): Split<T> => ({
    before: f(p.rows, from, at),
    after: f(p.rows, at, to),
  });
  const roots = (rows: ProvisionRow[], lo: number, hi: number) =>
    rows.filter((x) => x.startedAt >= lo && x.startedAt < hi);
  const phase = (name: string) =>
    split((rows, lo, hi) =>
      dist(
        rows
          .flatMap((x) => x.phases)
          .filter((ph) => ph.name === name && ph.startedAt >= lo && ph.startedAt < hi)
          .map((ph) => minutes(ph.ms)),
      ),
    );
  const perWeek = (lo: number, hi: number) => roots(p.rows, lo, hi).length / ((hi - lo) / (7 * DAY));
  const lead = split((rows, lo, hi) =>
    dist(
      roots(rows, lo, hi)
        .filter((x) => x.ok)
        .map((x) => minutes(x.endedAt - x.startedAt)),
    ),
  );
  return {
    provisions: p.provisions,
    failuresByCategory: { ...p.failures },
    reprovisions: p.reprovisions,
    phaseSeconds: Object.fromEntries([...p.phaseSeconds].map(([k, v]) => [k, dist(v)])),
    statsdLines: r.detail ? [...p.statsdLines] : null,
    optimisation: {
      at: truth.provisioning.optimisation.at,
      annotationId: truth.provisioning.optimisation.annotationId,
      leadTimeMinutes: lead,
      leadTimeSavedMinutes:
        lead.before.p50 !== null && lead.after.p50 !== null ? lead.before.p50 - lead.after.p50 : null,
      checksMinutes: phase('testenv.checks'),
      kubernetesMinutes: phase('testenv.kubernetes'),
      waitReadyMinutes: phase('testenv.wait_ready'),
      provisionsPerWeek: { before: perWeek(from, at), after: perWeek(at, to), whole: perWeek(from, to) },
      failureRate: split((rows, lo, hi) => {
        const rs = roots(rows, lo, hi);
        return rs.length ? rs.filter((x) => !x.ok).length / rs.length : null;
      }),
      ciToProvisioningMinutes: split((rows, lo, hi) =>
        dist(
          roots(rows, lo, hi)
            .filter((x) => x.ciDelayMs !== null)
            .map((x) => minutes(x.ciDelayMs!)),
        ),
      ),
      readyMinusCiTestsMinutes: split((rows, lo, hi) =>
        dist(
          roots(rows, lo, hi)
            .filter((x) => x.readyMinusTestsMs !== null)
            .map((x) => minutes(x.readyMinusTestsMs!)),
        ),
      ),
      parallelDevelopmentMinutes: split((rows, lo, hi) =>
        dist(
          roots(rows, lo, hi)
            .filter((x) => x.parallelMs !== null)
            .map((x) => minutes(x.parallelMs!)),
        ),
      ),
      earlyProvisioning: split((rows, lo, hi) => {
        const started = roots(rows, lo, hi).filter((x) => x.ciTestsComplete !== null);
        const early = started.filter((x) => x.ciTestsComplete === false).length;
        return { early, started: started.length, share: started.length ? early / started.length : null };
      }),
    },
  };
}
