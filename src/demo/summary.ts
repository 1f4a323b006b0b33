import type { RecordKind } from '../domain/records.js';
import { DAY } from './options.js';
import { summariseProvisioning, type ProvisioningTruth } from './provisioning-truth.js';
import { percentileCont, type FailedDeployment, type Realised } from './realised.js';
import type { DemoTruth } from './truth.js';

/** Median and p90 as SQL percentile_cont computes them, plus the count. */
export interface Dist {
  count: number;
  p50: number | null;
  p90: number | null;
}
const dist = (v: readonly number[] | undefined): Dist => ({
  count: v?.length ?? 0,
  p50: percentileCont(v ?? [], 0.5),
  p90: percentileCont(v ?? [], 0.9),
});

/** Realised values, exact for the generated records (see each field for its definition). */
export interface RealisedTruth {
  counts: Partial<Record<RecordKind, number>>;
  total: number;
  /** Every failed production deployment with its one remedy; nothing else looks failed. */
  failedDeployments: FailedDeployment[];
  /** Failed attempts redeployed with the same sha within the retry window: neither failures nor deployments. */
  retriedAttempts: { id: string; team: string; retryId: string; finishedAt: string }[];
  perTeam: Record<
    string,
    {
      /** Production deployments (status success or failure) started inside the window. */
      productionDeployments: number;
      failedDeployments: number;
      /** failedDeployments / productionDeployments. */
      changeFailureRate: number | null;
      /** Per Monday-start UTC week overlapping the window: distinct UTC days (of finished_at) with ≥ 1 successful production deployment. */
      deployDaysByWeek: { week: string; days: number }[];
      /** Mean of deployDaysByWeek over weeks lying wholly inside the window. */
      deployDaysPerFullWeek: number | null;
      /** Hours from commit committed_at to finished_at of the first successful production deployment containing it (commits deployed in the window). */
      leadTimeHours: Dist;
      /** Incident resolved_at − opened_at, hours, incidents resolved inside the window. */
      timeToRestoreHours: Dist;
      /** Human PRs: first_review_at − ready_at, hours. */
      reviewLatencyHours: Dist;
      /** Merged human PRs: merged_at − created_at, hours. */
      cycleTimeHours: Dist;
      /** Exact mean score per survey question (all pulses), and NPS = %promoters(9–10) − %detractors(0–6). */
      surveyMeans: Record<string, number>;
      nps: number | null;
    }
  >;
  /** Only with detail: "repo sha" → the first successful production deployment id that shipped it. */
  commitFirstDeployment: Record<string, string> | null;
  ci: Realised['ci'] & {
    /** Flaky ids that failed on attempt 1 and passed on attempt 2 of the same run (same sha). */
    flakyTestIdsObserved: string[];
    /** Only with detail: job queue seconds in busy / quiet hours. */
    queueSeconds: { busy: Dist; quiet: Dist } | null;
  };
  /** Provisioning, and the planted optimisation's realised before/after (provisioning-truth.ts). */
  provisioning: ProvisioningTruth;
  commandDurationMs: Record<string, Dist>;
}

function weekStart(dayNumber: number): number {
  const dow = (new Date(dayNumber * DAY).getUTCDay() + 6) % 7;
  return dayNumber - dow;
}

export function summarise(truth: DemoTruth, r: Realised): RealisedTruth {
  const from = Date.parse(truth.window.from) / DAY;
  const to = Date.parse(truth.window.to) / DAY;
  const perTeam: RealisedTruth['perTeam'] = {};
  for (const t of truth.teams) {
    const days = r.deployDays.get(t.team) ?? new Set<number>();
    const weeks: { week: string; days: number; full: boolean }[] = [];
    for (let w = weekStart(from); w < to; w += 7)
      weeks.push({
        week: new Date(w * DAY).toISOString().slice(0, 10),
        days: [...days].filter((d) => d >= w && d < w + 7).length,
        full: w >= from && w + 7 <= to,
      });
    const full = weeks.filter((w) => w.full);
    const prod = r.productionDeployments.get(t.team) ?? 0;
    const failed = r.failed.filter((f) => f.team === t.team && Date.parse(f.finishedAt) >= from * DAY).length;
    const surveyMeans: Record<string, number> = {};
    for (const [key, [sum, n]] of r.survey)
      if (key.startsWith(`${t.team} `)) surveyMeans[key.slice(t.team.length + 1)] = sum / n;
    const np = r.nps.get(t.team);
    perTeam[t.team] = {
      productionDeployments: prod,
      failedDeployments: failed,
      changeFailureRate: prod ? failed / prod : null,
      deployDaysByWeek: weeks.map(({ week, days }) => ({ week, days })),
      deployDaysPerFullWeek: full.length ? full.reduce((s, w) => s + w.days, 0) / full.length : null,
      leadTimeHours: dist(r.leadTimeHours.get(t.team)),
      timeToRestoreHours: dist(r.incidentHours.get(t.team)),
      reviewLatencyHours: dist(r.reviewLatencyHours.get(t.team)),
      cycleTimeHours: dist(r.cycleTimeHours.get(t.team)),
      surveyMeans,
      nps: np && np.total ? ((np.promoters - np.detractors) / np.total) * 100 : null,
    };
  }
  const total = Object.values(r.counts).reduce((s, n) => s + n, 0);
  return {
    counts: { ...r.counts },
    total,
    failedDeployments: r.failed.map((f) => ({ ...f })),
    retriedAttempts: r.retriedAttempts.map((a) => ({ ...a })),
    perTeam,
    commitFirstDeployment: r.detail ? Object.fromEntries(r.commitFirstDeployment) : null,
    ci: {
      ...r.ci,
      flakyTestIdsObserved: [...r.flakyRealised].sort(),
      queueSeconds: r.detail ? { busy: dist(r.queueSeconds.busy), quiet: dist(r.queueSeconds.quiet) } : null,
    },
    provisioning: summariseProvisioning(truth, r),
    commandDurationMs: Object.fromEntries([...r.commandMs].map(([k, v]) => [k, dist(v)])),
  };
}
