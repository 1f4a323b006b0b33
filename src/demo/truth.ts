import type { DemoOptions } from './options.js';
import { DAY } from './options.js';
import { feedbackTruth, type FeedbackTruth } from './feedback.js';
import { buildOrg, testCatalogue, type DemoOrg } from './org.js';
import { demoSurveyTruth, type DemoSurveyTruth } from './survey-truth.js';
import { plantedExperiments } from './experiments.js';
import { ADOPTION, adopters, type AdoptionId } from './adoption.js';
import { COPILOT, copilotUsers } from './copilot.js';
import { REGRESSION, regressionAt } from './regression.js';
import { CI, CI_JOBS, INNER_LOOP, PR, PROVISIONING, REMEDY_SHARES, DEPLOY } from './params.js';

/**
 * What the demo organisation is, known before a single record is generated: the parameters
 * Pitwall's metrics should recover. Realised values (what the draws produced) are in
 * RealisedTruth (realised.ts), filled while the records stream out.
 */
export interface DemoTruth {
  options: { developers: number; days: number; seed: number; end: string };
  /** The window every realised aggregate is computed over: [from, to), UTC. */
  window: { from: string; to: string };
  /** Deployments to this environment count for DORA; 'staging' deployments must not. */
  productionEnvironment: 'production';
  nonProductionEnvironments: ['staging'];
  teams: {
    team: string;
    members: string[];
    repos: string[];
    /** Services deployed, one per repo: the repo's short name ("demo/payments-api" → "payments-api"). */
    services: string[];
    /** Parameter: each weekday, each service deploys with probability deployDaysPerWeek / 5. */
    deployDaysPerWeek: number;
    /** Parameter: probability that a regular production deployment fails. Remedial deployments never fail. */
    changeFailureRate: number;
    /** Parameter: median of incident resolved_at − opened_at (lognormal, sigma 0.7), hours. */
    timeToRestoreMedianHours: number;
    /** Parameter: median of PR first_review_at − ready_at (lognormal, sigma 0.8), hours. */
    reviewLatencyMedianHours: number;
    /** Parameter: mean of every 1–5 survey item before rounding/clamping; realised means are in RealisedTruth. */
    surveyMean: number;
    /** Parameter: mean NPS score (0–10) before rounding/clamping. */
    npsMean: number;
  }[];
  /** Logins with is_bot = true; they author PRs (labels ["dependencies"], is_bot true) and squash commits. */
  bots: string[];
  /** Which remedy a failed deployment gets (each failed deployment has exactly one). */
  remedyShares: typeof REMEDY_SHARES;
  deployments: typeof DEPLOY;
  prs: typeof PR;
  ci: {
    workflow: string;
    jobs: { name: string; needs: string[]; medianSeconds: number; minSeconds: number; maxSeconds: number }[];
    /** For every run whose jobs all succeed: run.completed_at − run.created_at = Σ over these jobs of (queue + duration). */
    criticalPath: string[];
    /** Queue = job started_at − created_at (created = when its needs completed). Busy: Mon–Fri [10,16) UTC. */
    queue: { busyMedianSeconds: number; quietMedianSeconds: number; busyHoursUtc: readonly [number, number] };
    /** Jobs of runs created at or after `enabledAt` run `durationFactor` × as long (the "CI cache enabled" annotation). */
    cache: { enabledAt: string; durationFactor: number; annotationId: string };
    /** The exact set of flaky test ids: each fails on attempt 1 with probability flakyFailureProbability and passes on the re-run (same run_id and sha, attempt 2). */
    flakyTestIds: string[];
    flakyFailureProbability: number;
    /** Share of human PRs whose first push fails a (non-flaky) unit test for real; the next push fixes it. */
    genuineFailurePrShare: number;
  };
  provisioning: typeof PROVISIONING & {
    /**
     * The planted optimisation: provisions requested at or after `at` wait for the `build` job
     * (the image) plus at most one poll instead of the whole CI run; an annotation of category
     * `testenv` with this id and title sits at `at`. Realised before/after values are in
     * RealisedTruth.provisioning.
     */
    optimisation: (typeof PROVISIONING)['optimisation'] & { at: string };
  };
  innerLoop: typeof INNER_LOOP;
  /** The planted regression (src/demo/regression.ts): jobs named `job` of runs created at or after `at` run `factor` × as long; an annotation with this id sits at `at`. */
  regression: { job: string; factor: number; at: string; annotationId: string; metric: string };
  /** The planted survey means per team and construct, and what the metrics approach (survey-truth.ts). */
  surveys: DemoSurveyTruth;
  /** The planted feedback and survey comments (src/demo/feedback.ts): developers per theme, friction per category. */
  feedback: FeedbackTruth;
  /** The planted experiment (a known effect on its cohort) and its null twin: src/demo/experiments.ts. */
  experiments: ReturnType<typeof plantedExperiments>;
  /** Platform adoption (src/demo/adoption.ts): who sends points of each tool's metric every weekday. */
  adoption: Record<AdoptionId, { metric: string; share: number; adopters: string[] }>;
  /** GitHub Copilot (src/demo/copilot.ts): its users among all developers, the acceptance rate. */
  copilot: { share: number; acceptanceRate: number; users: string[] };
}

/** When the planted provisioning optimisation takes effect (PROVISIONING.optimisation). */
export function provisioningOptimisedAt(o: DemoOptions): Date {
  const start = o.end.getTime() - o.days * DAY;
  const opt = PROVISIONING.optimisation;
  return new Date(start + Math.floor(o.days * opt.atFraction) * DAY + opt.hourUtc * 3_600_000);
}

export function cacheEnabledAt(o: DemoOptions): Date {
  const start = o.end.getTime() - o.days * DAY;
  return new Date(start + Math.floor(o.days * CI.cacheAtFraction) * DAY + 9 * 3_600_000);
}

/** The parameters, from the options alone (no generation). */
export function demoTruth(o: DemoOptions, org: DemoOrg = buildOrg(o)): DemoTruth {
  return {
    options: { developers: o.developers, days: o.days, seed: o.seed, end: o.end.toISOString() },
    window: { from: new Date(o.end.getTime() - o.days * DAY).toISOString(), to: o.end.toISOString() },
    productionEnvironment: 'production',
    nonProductionEnvironments: ['staging'],
    teams: org.teams.map((t) => ({
      team: t.team,
      members: [...t.members],
      repos: [...t.repos],
      services: t.repos.map((r) => r.slice(5)),
      deployDaysPerWeek: t.deployDaysPerWeek,
      changeFailureRate: t.changeFailureRate,
      timeToRestoreMedianHours: t.timeToRestoreMedianHours,
      reviewLatencyMedianHours: t.reviewLatencyMedianHours,
      surveyMean: t.surveyMean,
      npsMean: t.npsMean,
    })),
    bots: [...org.bots],
    remedyShares: REMEDY_SHARES,
    deployments: DEPLOY,
    prs: PR,
    ci: {
      workflow: CI.workflow,
      jobs: CI_JOBS.map((j) => ({
        name: j.name,
        needs: [...j.needs],
        medianSeconds: j.medianSeconds,
        minSeconds: j.medianSeconds / j.f,
        maxSeconds: j.medianSeconds * j.f,
      })),
      criticalPath: [...CI.criticalPath],
      queue: {
        busyMedianSeconds: CI.queueBusyMedianSeconds,
        quietMedianSeconds: CI.queueQuietMedianSeconds,
        busyHoursUtc: CI.busyHoursUtc,
      },
      cache: {
        enabledAt: cacheEnabledAt(o).toISOString(),
        durationFactor: CI.cacheDurationFactor,
        annotationId: 'demo-ci-cache-enabled',
      },
      flakyTestIds: org.repos.flatMap((r, i) =>
        testCatalogue(r, i)
          .filter((t) => t.flaky)
          .map((t) => t.testId),
      ),
      flakyFailureProbability: CI.flakyFailureProbability,
      genuineFailurePrShare: CI.genuineFailurePrShare,
    },
    provisioning: {
      ...PROVISIONING,
      optimisation: { ...PROVISIONING.optimisation, at: provisioningOptimisedAt(o).toISOString() },
    },
    innerLoop: INNER_LOOP,
    feedback: feedbackTruth(o, org),
    regression: {
      job: REGRESSION.job,
      factor: REGRESSION.factor,
      at: regressionAt(o).toISOString(),
      annotationId: REGRESSION.annotationId,
      metric: REGRESSION.metric,
    },
    surveys: demoSurveyTruth(org),
    experiments: plantedExperiments(o),
    copilot: { share: COPILOT.share, acceptanceRate: COPILOT.acceptanceRate, users: copilotUsers(org) },
    adoption: (() => {
      const who = adopters(org);
      return {
        ai_assistant: { ...ADOPTION.ai_assistant, adopters: who.ai_assistant },
        portal: { ...ADOPTION.portal, adopters: who.portal },
      };
    })(),
  };
}
