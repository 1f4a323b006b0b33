/**
 * The knobs of the demo organisation: published in the truth object so tests can check
 * that Pitwall's metrics recover them. Per-team values cycle through these tables by team
 * index, so they are explicit rather than drawn.
 */
export const TEAM_NAMES = [
  'payments',
  'platform',
  'checkout',
  'search',
  'identity',
  'mobile',
  'data',
  'growth',
  'billing',
  'messaging',
  'risk',
  'catalog',
  'logistics',
  'insights',
  'partners',
  'support',
] as const;

/** Index i of each table is team i (mod length). */
export const TEAM_TABLE = {
  /** Probability per weekday that a service has a deploy slot is deployDaysPerWeek / 5. */
  deployDaysPerWeek: [5, 3, 4, 2, 5, 1, 4, 3],
  /** Probability that a regular production deployment fails (remedial ones never do). */
  changeFailureRate: [0.05, 0.15, 0.1, 0.25, 0.08, 0.3, 0.12, 0.2],
  /** Median incident duration (resolved_at − opened_at), hours, lognormal sigma 0.7. */
  timeToRestoreMedianHours: [1, 4, 2, 8, 1.5, 12, 3, 6],
  /** Median of first_review_at − ready_at, hours, lognormal sigma 0.8. */
  reviewLatencyMedianHours: [2, 6, 3, 12, 1.5, 8, 4, 5],
  /** Survey means: the 1–5 items share this mean per team; NPS (0–10) has its own. */
  surveyMean: [4.2, 3.4, 3.8, 2.9, 4.0, 3.1, 3.6, 3.3],
  npsMean: [8.6, 6.2, 7.4, 5.0, 8.1, 5.6, 7.0, 6.4],
} as const;

export const REMEDY_SHARES = { status: 0.25, incident: 0.35, revert: 0.2, hotfix: 0.2 } as const;
export type Remedy = keyof typeof REMEDY_SHARES;

export const PR = {
  /** Chance a human developer opens a PR in one weekday (0, 1 or 2 PRs; mean = 2 × this / 2). */
  perDeveloperWeekday: 0.6,
  draftShare: 0.2,
  draftMedianHours: 5,
  codingMedianHours: 6,
  changesRequestedShare: 0.3,
  reworkMedianHours: 3,
  approvalAfterReworkMedianHours: 1.5,
  mergeAfterApprovalMedianMinutes: 30,
  abandonedShare: 0.05,
  /** Chance per repo per weekday of a bot PR (dependabot / renovate). */
  botPerRepoWeekday: 0.15,
  /** Chance per repo per weekday of a direct push to main. */
  directCommitPerRepoWeekday: 0.2,
  additionsMedian: 80,
  deletionsMedian: 30,
  filesMedian: 4,
} as const;

export const DEPLOY = {
  /** Regular slots, UTC hour: the first is used on every deploy day, the second half the time. */
  slotsHourUtc: [11, 15],
  secondSlotShare: 0.5,
  durationMedianMinutes: 8,
  stagingLeadMinutes: 20,
  /**
   * Share of regular deployments preceded by a failed attempt of the same sha, retried
   * successfully 5-30 min later: inside dora.retry_window_minutes, so no change failure.
   */
  retriedAttemptShare: 0.05,
  retryGapMinutes: [5, 30],
  /** A 'status' failure's sha is deployed again this many minutes later: past the retry window. */
  statusRedeployMinutes: [75, 180],
} as const;

/** CI job graph: bounds (median/f .. median×f) make build → e2e → package the critical path of every run. */
export const CI_JOBS = [
  { name: 'lint', needs: [], medianSeconds: 90, f: 1.3, suite: null },
  { name: 'unit', needs: [], medianSeconds: 240, f: 1.25, suite: 'unit' },
  { name: 'build', needs: [], medianSeconds: 300, f: 1.25, suite: null },
  { name: 'integration', needs: ['build'], medianSeconds: 240, f: 1.25, suite: 'integration' },
  { name: 'e2e', needs: ['build'], medianSeconds: 600, f: 1.25, suite: 'e2e' },
  { name: 'package', needs: ['unit', 'integration', 'e2e'], medianSeconds: 90, f: 1.3, suite: null },
] as const;
export type CiJobName = (typeof CI_JOBS)[number]['name'];

export const CI = {
  workflow: 'ci',
  criticalPath: ['build', 'e2e', 'package'] as CiJobName[],
  jobSigma: 0.15,
  /** Busy = Monday–Friday, 10:00 ≤ hour < 16:00 UTC at the moment the job becomes runnable. */
  busyHoursUtc: [10, 16] as const,
  queueBusyMedianSeconds: 45,
  queueQuietMedianSeconds: 8,
  queueSigma: 0.5,
  queueF: 2,
  /** Job durations are multiplied by this from the cache annotation on (a 25% drop). */
  cacheDurationFactor: 0.75,
  /** The cache annotation sits this far into the window. */
  cacheAtFraction: 0.6,
  flakyFailureProbability: 0.08,
  /** Share of PRs whose first push has a genuinely failing unit test (fixed by the next push). */
  genuineFailurePrShare: 0.08,
  rerunDelayMedianMinutes: 4,
  testsPerSuite: { unit: 5, integration: 3, e2e: 2 },
} as const;

export const PROVISIONING = {
  /** Chance a human PR gets a test environment once ready. */
  perPrShare: 0.6,
  /**
   * Drawn phases (lognormal, phaseSigma). The CI-checks phase is not drawn: it lasts until the
   * PR head's CI gives the go (see `optimisation`), found by polling every pollSeconds.
   */
  phases: {
    'testenv.kubernetes': { medianSeconds: 240 },
    'testenv.wait_ready': { medianSeconds: 180 },
  },
  phaseSigma: 0.4,
  /** Kraken polls the PR's checks this often; when they are already green the first poll takes firstPollSeconds. */
  pollSeconds: 30,
  firstPollSeconds: [1, 5] as const,
  /** A timeout_waiting_builds failure gives up after this long in the checks phase. */
  timeoutMinutes: 30,
  failureRate: 0.12,
  /** Which share of failures each category takes, and the phase that fails for it. */
  failureCategories: {
    timeout_waiting_builds: { share: 0.4, phase: 'testenv.checks' },
    k8s_error: { share: 0.3, phase: 'testenv.kubernetes' },
    no_pr_found: { share: 0.15, phase: 'testenv.checks' },
    unknown: { share: 0.15, phase: 'testenv.wait_ready' },
  },
  /** Chance that a successful provision is torn down and re-provisioned within 2 h by hand. */
  reprovisionShare: 0.1,
  reprovisionWindowHours: 2,
  /**
   * The planted change (the seed's optimisation): provisions requested from this point on wait
   * only for the image (the CI job `imageJob`) instead of the whole CI run, so the checks phase
   * drops and most start before CI tests complete (ci_tests_complete false). The kubernetes and
   * wait-ready phases and the failure rate are drawn the same before and after: planted nulls.
   * It sits at 40% of the window, not at the CI cache's 60%, so the two changes do not coincide
   * (the cache change is then a confounder inside the after window, as in real life).
   */
  optimisation: {
    atFraction: 0.4,
    hourUtc: 10,
    annotationId: 'demo-testenv-early-provisioning',
    title: 'Test environments provision as soon as Docker images are built, without waiting for CI tests',
    imageJob: 'build',
  },
} as const;
export type FailureCategory = keyof typeof PROVISIONING.failureCategories;

export const INNER_LOOP = {
  /** Commands per developer per weekday: uniform 3..10; weekends: 15% of developers run 1..3. */
  weekdayMin: 3,
  weekdayMax: 10,
  weekendShare: 0.15,
  sigma: 0.6,
  categories: {
    test: { share: 0.35, medianMs: 45_000, failureRate: 0.15 },
    build: { share: 0.25, medianMs: 90_000, failureRate: 0.08 },
    lint: { share: 0.15, medianMs: 12_000, failureRate: 0.1 },
    install: { share: 0.1, medianMs: 60_000, failureRate: 0.03 },
    git: { share: 0.15, medianMs: 1_500, failureRate: 0.01 },
  },
  /** network_ms of an install is this share of its duration. */
  installNetworkShare: 0.6,
} as const;
export type CommandCategory = keyof typeof INNER_LOOP.categories;

export const SURVEY = {
  responseRate: 0.7,
  npsSd: 1.5,
  /** The other constructs' planted per-team means and spreads: src/demo/survey-params.ts. */
} as const;
