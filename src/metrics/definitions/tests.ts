import type { MetricDefinition } from '../registry/types.js';
import { pct } from './sql.js';

const GROUPS = ['repo', 'team', 'suite'] as const;

/** Test executions in the window [$1, $2). */
const inWindow = `executed_at >= $1::timestamp and executed_at < $2::timestamp`;

/**
 * Where a test can prove itself flaky: the same commit (any runs, any attempts), or the same run
 * when no sha was recorded. Exported for flakyTests(), so the list and the counts agree.
 */
export const SCOPE = `coalesce(sha, 'run:' || run_id)`;

/**
 * Flaky (test, scope) pairs in the window: it both passed and failed (or errored) there, or a
 * runner retried it inside one execution and it passed (Surefire flakyFailure, retries > 0).
 */
export const FLAKY_SCOPES = `select test_id, ${SCOPE} as scope from test_results where ${inWindow}
    group by test_id, ${SCOPE}
    having sum(case when status = 'passed' then 1 else 0 end) > 0
       and sum(case when status in ('failed', 'error') then 1 else 0 end) > 0
  union
  select test_id, ${SCOPE} as scope from test_results where ${inWindow} and status = 'passed' and retries > 0`;

/** Executed (not skipped) tests in the window; `flaky` = 1 when the row's scope proved the test flaky. */
const executions = `with fl as (${FLAKY_SCOPES})
  select r.executed_at as ts, r.test_id as v, case when fl.test_id is null then 0 else 1 end as flaky,
    r.repo, rp.team, r.suite
  from test_results r
  left join fl on fl.test_id = r.test_id and fl.scope = coalesce(r.sha, 'run:' || r.run_id)
  left join repos rp on rp.repo = r.repo
  where r.status <> 'skipped' and r.${inWindow}`;

const plain = (v: string) => `select r.executed_at as ts, ${v} as v, r.repo, rp.team, r.suite
  from test_results r left join repos rp on rp.repo = r.repo
  where r.status <> 'skipped' and r.${inWindow}`;

/** Consecutive executions of a test on one branch (skips ignored); v = 1 when pass <-> fail flipped. */
const flips = `select x.ts, case when x.ok <> x.prev_ok then 1.0 else 0.0 end as v, x.repo, rp.team, x.suite
  from (select executed_at as ts, repo, suite,
          case when status = 'passed' then 1 else 0 end as ok,
          lag(case when status = 'passed' then 1 else 0 end) over (
            partition by test_id, coalesce(branch, '') order by executed_at, run_id, attempt) as prev_ok
        from test_results where status <> 'skipped' and ${inWindow}) x
  left join repos rp on rp.repo = x.repo
  where x.prev_ok is not null`;

const durationPct = (p: number): MetricDefinition => ({
  name: `ci.tests.duration_p${Math.round(p * 100)}_ms`,
  version: 1,
  title: `Test duration (p${Math.round(p * 100)})`,
  unit: 'milliseconds',
  description: `${Math.round(p * 100)}th percentile of one test execution's duration (skipped tests excluded).`,
  why: 'Slow tests lengthen every CI run and every local loop.',
  action: 'Group by suite to find the slowest; split, parallelise or move them out of the pre-merge path.',
  direction: 'lower_is_better',
  groupBy: GROUPS,
  facts: plain('r.duration_ms'),
  aggregate: pct(p),
});

export const testDefinitions: MetricDefinition[] = [
  {
    name: 'ci.tests.flaky_count',
    version: 1,
    title: 'Flaky tests',
    unit: 'tests',
    description:
      'Distinct tests that both passed and failed on the same commit (or in one run without a sha), or passed on a retry, in the window.',
    why: 'Flaky tests force re-runs and teach people to ignore red builds.',
    action:
      'See `pitwall tests flaky`; quarantine them (`pitwall tests quarantine add --auto`) and fix the top ones.',
    direction: 'lower_is_better',
    thresholds: { green: 0, yellow: 5 },
    groupBy: GROUPS,
    facts: executions,
    aggregate: 'count(distinct case when flaky = 1 then v end)',
  },
  {
    name: 'ci.tests.determinism_rate',
    version: 1,
    title: 'Test determinism rate',
    unit: 'ratio',
    description: 'Share of executed tests that were never flaky in the window (1 − flaky tests / tests run).',
    why: 'A deterministic suite is one people trust: a red build means a real bug.',
    action: 'Below 98%: quarantine the flaky tests and make fixing them part of each team’s work.',
    direction: 'higher_is_better',
    thresholds: { green: 0.98, yellow: 0.95 },
    groupBy: GROUPS,
    facts: executions,
    aggregate: `1 - cast(count(distinct case when flaky = 1 then v end) as double precision) / nullif(count(distinct v), 0)`,
  },
  {
    name: 'ci.tests.flip_rate',
    version: 1,
    title: 'Test flip rate',
    unit: 'ratio',
    description:
      'Share of consecutive executions of a test on the same branch whose status flipped between pass and fail.',
    why: 'Flips without a code change are the signature of flakiness; a high rate on main means a noisy signal.',
    action: 'Look at the tests that flip most on the default branch; quarantine or fix them.',
    direction: 'lower_is_better',
    thresholds: { green: 0.01, yellow: 0.05 },
    groupBy: GROUPS,
    facts: flips,
    aggregate: 'avg(v)',
  },
  {
    name: 'ci.tests.failure_rate',
    version: 1,
    title: 'Test failure rate',
    unit: 'ratio',
    description: 'Share of test executions (every attempt; skipped excluded) that failed or errored.',
    why: 'Each failed execution is a red build or a retry someone waited for.',
    action:
      'Separate flaky from genuine failures (`pitwall tests flaky`); fix or quarantine the top failing tests.',
    direction: 'lower_is_better',
    thresholds: { green: 0.01, yellow: 0.03 },
    groupBy: GROUPS,
    facts: plain(`case when r.status in ('failed', 'error') then 1.0 else 0.0 end`),
    aggregate: 'avg(v)',
  },
  durationPct(0.5),
  durationPct(0.9),
];
