import { PitwallError } from '../../errors/errors.js';
import { inWindow, literal } from '../registry/fragments.js';
import type { MetricDefinition, QueryParts } from '../registry/types.js';
import { minutesBetween, pct, secondsBetween } from './sql.js';
import { matchesPattern } from './testenv-pattern.js';

/**
 * Test-environment provisioning, from spans: the root span `testenv.provision` (request to
 * ready) and its phase children (`testenv.checks`, `testenv.kubernetes`, `testenv.wait_ready`),
 * `testenv.deprovision` spans (an environment torn down), joined to CI jobs for the delay
 * between the images being built and provisioning starting (docs/testenv.md, "Analysis").
 */
const ROOT = literal('testenv.provision');
const DOWN = literal('testenv.deprovision');
const KUBE = literal('testenv.kubernetes');
const GROUPS = ['repo', 'team'] as const;
const TEST_JOB = `(lower(coalesce(t.stage, '')) like '%test%' or lower(t.name) like '%test%')`;

/** The settings of the `testenv:` section the analysis reads (defaults when a config has none). */
export interface TestenvAnalysis {
  reprovision_window_minutes: number;
  image_job_pattern: string;
}
export const TESTENV_DEFAULTS: TestenvAnalysis = {
  reprovision_window_minutes: 120,
  image_job_pattern: '\\b(build|docker|image)\\b',
};

/** A root attribute as text on both engines (JSON false reads 'false'); null when absent. */
export const attr = (alias: string, key: string) => `(cast(${alias}.attributes as json) ->> ${literal(key)})`;

const provisions = (
  v: string,
  where = 'true',
) => `select s.started_at as ts, ${v} as v, s.repo, s.team, s.failure_category as failure, s.name as phase,
  ${attr('s', 'ci_tests_complete')} as ci_complete
  from spans s where s.name = ${ROOT} and ${where}`;

const phaseFacts = `select c.started_at as ts, ${minutesBetween('c.started_at', 'c.ended_at')} as v, c.repo, c.team, c.name as phase
  from spans c join spans r on r.span_id = c.parent_id and r.name = ${ROOT} where c.ended_at is not null`;

/** Successful provisions' lead time, one row each: the facts of the p50/p90/p99 metrics. */
export const leadTimeFacts = provisions(
  minutesBetween('s.started_at', 's.ended_at'),
  `s.status = 'ok' and s.ended_at is not null`,
);

const leadTime = (p: number, green: number, yellow: number): MetricDefinition => ({
  name: `testenv.provision.duration_p${Math.round(p * 100)}_minutes`,
  version: 1,
  title: `Test-environment provisioning time (p${Math.round(p * 100)})`,
  unit: 'minutes',
  description: `${Math.round(p * 100)}th percentile of successful provisionings, from request to environment ready.`,
  why: 'Developers wait for an environment before they can test a change: this is that wait.',
  action: 'Look at the phase breakdown; if CI checks dominate, provision as soon as images are built.',
  direction: 'lower_is_better',
  thresholds: { green, yellow },
  groupBy: GROUPS,
  facts: leadTimeFacts,
  aggregate: pct(p),
});

/**
 * Each provision that follows a teardown of the same branch (key) and repository within the
 * window, with no other provision between them: a manual re-provision. Automatic updates of a
 * running environment are not teardowns, so they never pair.
 */
function reprovisionFacts(windowMinutes: number): string {
  if (!(Number.isFinite(windowMinutes) && windowMinutes > 0))
    throw new PitwallError('internal', `reprovision window ${windowMinutes} is not a positive number`);
  const seconds = Math.round(windowMinutes * 60);
  // The event just before each provision on its branch and repository, teardowns ordered first
  // at the same instant: a teardown there means no provision came between them. One window
  // pass, where a correlated lookup per provision was quadratic on PostgreSQL.
  const order = `partition by s.repo, s.key order by s.started_at, case when s.name = ${DOWN} then 0 else 1 end, s.span_id`;
  return `select e.started_at as ts, case when e.key is not null and e.prev_name = ${DOWN} and e.prev_at < e.started_at
      and ${secondsBetween('e.prev_at', 'e.started_at')} <= ${seconds} then 1.0 else 0.0 end as v,
      e.repo, e.team, e.key as branch
    from (select s.name, s.started_at, s.repo, s.team, s.key,
        lag(s.name) over (${order}) as prev_name, lag(s.started_at) over (${order}) as prev_at
      from spans s where s.name in (${ROOT}, ${DOWN})) e
    where e.name = ${ROOT}`;
}

/**
 * Each provision with the CI image build it waited for: the latest successful job matching
 * `image_job_pattern` in the same repository, of a run on the provision's commit (root
 * attributes.sha) or, without one, on its branch (key), that ended before the Kubernetes phase
 * began. `tests_end` is when that run's test jobs had all ended: jobs whose stage or name says
 * "test" (a GitHub matrix job's stage is its name), else every job of the run but the image's.
 */
export function ciMatchSql(pattern: string): string {
  // Two equality joins (by sha, by branch) rather than one join on "sha or branch": each is a
  // hash join on both engines, where the disjunction would compare every provision with every
  // image job of its repository.
  const image = matchesPattern('j.name', pattern);
  return `with p as (
    select r.span_id, r.started_at, r.ended_at, r.status, r.repo, r.team, r.key, lower(${attr('r', 'sha')}) as sha,
      k.started_at as kube_at
    from spans r join spans k on k.parent_id = r.span_id and k.name = ${KUBE}
    where r.name = ${ROOT}),
  img as (
    select j.repo, j.run_id, j.attempt, j.completed_at, pr.sha, pr.branch
    from pipeline_jobs j join pipeline_runs pr on pr.repo = j.repo and pr.run_id = j.run_id and pr.attempt = j.attempt
    where j.conclusion = 'success' and j.completed_at is not null and ${image}),
  pairs as (
    select p.span_id, p.repo, i.run_id, i.attempt, i.completed_at as image_at
    from p join img i on i.repo = p.repo and i.sha = p.sha and i.completed_at <= p.kube_at
    union all
    select p.span_id, p.repo, i.run_id, i.attempt, i.completed_at as image_at
    from p join img i on i.repo = p.repo and i.branch = p.key and i.completed_at <= p.kube_at
    where p.sha is null),
  cand as (
    select distinct on (x.span_id) x.* from pairs x
    order by x.span_id, x.image_at desc, x.run_id desc, x.attempt desc),
  best as (
    select c.span_id, c.image_at, c.run_id, c.attempt,
      coalesce(max(case when ${TEST_JOB} then t.completed_at end), max(t.completed_at)) as tests_end
    from cand c left join pipeline_jobs t on t.repo = c.repo and t.run_id = c.run_id and t.attempt = c.attempt
      and not ${matchesPattern('t.name', pattern)}
    group by c.span_id, c.image_at, c.run_id, c.attempt)
  -- Each provision with its match, if any, as one group per span rather than p left join best:
  -- PostgreSQL cannot estimate these CTEs' sizes, took the join for a handful of rows and ran
  -- it as a nested loop that re-read best per provision (7.5 s of 8 on the demo org).
  select x.span_id, max(x.started_at) as started_at, max(x.ended_at) as ended_at, max(x.status) as status,
    max(x.repo) as repo, max(x.team) as team, max(x.key) as key, max(x.kube_at) as kube_at,
    max(x.image_at) as image_at, max(x.run_id) as run_id, max(x.tests_end) as tests_end
  from (
    select p.span_id, p.started_at, p.ended_at, p.status, p.repo, p.team, p.key, p.kube_at,
      cast(null as timestamp) as image_at, cast(null as text) as run_id, cast(null as timestamp) as tests_end
    from p
    union all
    select b.span_id, null, null, null, null, null, null, null, b.image_at, b.run_id, b.tests_end from best b
  ) x group by x.span_id`;
}

const ciDelay = (p: number, cfg: TestenvAnalysis): MetricDefinition => {
  const name = p === 0.5 ? 'median' : `p${Math.round(p * 100)}`;
  return {
    name: `testenv.ci_delay.${name}_minutes`,
    version: 1,
    title: `CI-to-provisioning delay (${name === 'median' ? 'median' : name})`,
    unit: 'minutes',
    description: `${name === 'median' ? 'Median' : `${Math.round(p * 100)}th percentile`} time from the CI job that builds the images (testenv.image_job_pattern) ending to provisioning starting (the Kubernetes phase), for provisions joined to that job by repository and commit or branch.`,
    why: 'The part of the wait spent after the images were ready: waiting for CI tests or polling, which an environment does not need.',
    action: 'Provision as soon as the image build job ends instead of waiting for every check; poll often.',
    direction: 'lower_is_better',
    thresholds: p === 0.5 ? { green: 1, yellow: 5 } : { green: 2, yellow: 10 },
    groupBy: GROUPS,
    facts: `select m.started_at as ts, ${minutesBetween('m.image_at', 'm.kube_at')} as v, m.repo, m.team, m.key as branch,
      m.span_id as provision, m.run_id as ci_run from (${ciMatchSql(cfg.image_job_pattern)}) m where m.image_at is not null`,
    aggregate: pct(p),
    leftOut: {
      rows: `select m.started_at as ts, 'no_ci_job' as reason, m.repo, m.team, m.key as branch, m.span_id as provision
        from (${ciMatchSql(cfg.image_job_pattern)}) m where m.image_at is null`,
      reasons: {
        no_ci_job: `no successful CI job matching testenv.image_job_pattern (${cfg.image_job_pattern}) on the provision's commit or branch ended before its Kubernetes phase began`,
      },
    },
  };
};

/** Failed provisions over all provisions; grouped by `failure`, each category's share of all. */
function failureRateQuery(p: QueryParts): string {
  const w = `with w as (select ${p.bucket('ts')} as b, f.* from (${provisions(
    `case when s.status = 'error' then 1.0 else 0.0 end`,
    `s.status <> 'unset'`,
  )}) f where ${inWindow()}${p.where})`;
  if (p.by !== 'failure')
    return `${w} select b as bucket, ${p.group(p.by ?? 'null')} as grp, avg(v) as value from w group by 1, 2 order by 1, 2`;
  return `${w}, n as (select b, count(*) as total from w group by b)
    select w.b as bucket, cast(coalesce(w.failure, 'unknown') as text) as grp,
      cast(count(*) as double precision) / max(n.total) as value
    from w join n on n.b is not distinct from w.b where w.v = 1.0 group by 1, 2 order by 1, 2`;
}

export function testenvDefinitions(settings?: Partial<TestenvAnalysis>): MetricDefinition[] {
  const cfg: TestenvAnalysis = { ...TESTENV_DEFAULTS, ...settings };
  const ci = ciMatchSql(cfg.image_job_pattern);
  return [
    leadTime(0.5, 10, 15),
    leadTime(0.9, 15, 25),
    leadTime(0.99, 25, 40),
    {
      name: 'testenv.provision.success_rate',
      version: 1,
      title: 'Provisioning success rate',
      unit: 'ratio',
      description: 'Share of provisioning requests that ended ready: success / (success + failed).',
      why: 'A failed environment costs a developer the whole wait plus the retry.',
      action: 'Break failures down by category: timeouts mean slow builds, k8s errors mean infrastructure.',
      direction: 'higher_is_better',
      thresholds: { green: 0.95, yellow: 0.9 },
      groupBy: [...GROUPS, 'failure'],
      facts: provisions(`case when s.status = 'ok' then 1.0 else 0.0 end`, `s.status <> 'unset'`),
      aggregate: 'avg(v)',
    },
    {
      name: 'testenv.provision.failure_rate',
      version: 1,
      title: 'Provisioning failure rate',
      unit: 'ratio',
      description:
        'Share of provisioning requests that failed; grouped by failure, each category’s failures over all provisions (the categories add up to the whole rate).',
      why: 'Different failures need different fixes: timeouts mean slow builds, k8s errors infrastructure, no_pr_found a wrong branch.',
      action:
        'Fix the category with the largest share first; read it per repository to find where it comes from.',
      direction: 'lower_is_better',
      thresholds: { green: 0.05, yellow: 0.1 },
      groupBy: [...GROUPS, 'failure'],
      explain: provisions(`case when s.status = 'error' then 1.0 else 0.0 end`, `s.status <> 'unset'`),
      query: failureRateQuery,
    },
    {
      name: 'testenv.provision.count',
      version: 1,
      title: 'Environments provisioned',
      unit: 'provisions',
      description: 'Provisioning requests started in the window (successful or not).',
      why: 'Usage of test environments; justifies the infrastructure behind them.',
      action: 'Read with the success rate and duration to size capacity.',
      direction: 'higher_is_better',
      groupBy: [...GROUPS, 'failure', 'ci_complete'],
      facts: provisions('1'),
      aggregate: 'count(*)',
    },
    {
      name: 'testenv.provision.per_day',
      version: 1,
      title: 'Environments provisioned per day',
      unit: 'provisions/day',
      description: 'Provisioning requests per calendar day of the window (successful or not).',
      why: 'Usage patterns: how much the team leans on test environments.',
      action: 'Size the cluster for the busy days; a drop can mean developers gave up on them.',
      direction: 'higher_is_better',
      groupBy: GROUPS,
      facts: provisions('1'),
      aggregate: 'cast(count(*) as double precision) / {period_days}',
    },
    {
      name: 'testenv.provision.per_week',
      version: 1,
      title: 'Environments provisioned per week',
      unit: 'provisions/week',
      description: 'Provisioning requests per 7 days of the window (successful or not).',
      why: 'The volume that multiplies any time saved per provision into hours per week.',
      action: 'Read with the median time: provisions per week × minutes saved = the weekly gain.',
      direction: 'higher_is_better',
      groupBy: GROUPS,
      facts: provisions('1'),
      aggregate: 'cast(count(*) as double precision) * 7.0 / {period_days}',
    },
    {
      name: 'testenv.reprovision.count',
      version: 1,
      title: 'Manual re-provisions',
      unit: 'provisions',
      description: `Provisions of a branch that came within testenv.reprovision_window_minutes (${cfg.reprovision_window_minutes} min) after a teardown of the same branch and repository: someone took the environment down by hand and brought it up again. Automatic updates are not counted.`,
      why: 'A re-provision by hand usually means the environment got stuck or broke: wasted time and frustration.',
      action:
        'Look at what the environments had in common before their teardown (repository, failure in the logs).',
      direction: 'lower_is_better',
      groupBy: GROUPS,
      facts: reprovisionFacts(cfg.reprovision_window_minutes),
      aggregate: 'sum(v)',
    },
    {
      name: 'testenv.reprovision.rate',
      version: 1,
      title: 'Manual re-provisioning rate',
      unit: 'ratio',
      description: `Share of provisions that were manual re-provisions (a teardown then a provision of the same branch within ${cfg.reprovision_window_minutes} min).`,
      why: 'A rising rate means environments are less reliable: developers tear them down and try again.',
      action: 'Find the repositories with the highest rate and look at why their environments are torn down.',
      direction: 'lower_is_better',
      thresholds: { green: 0.05, yellow: 0.1 },
      groupBy: GROUPS,
      facts: reprovisionFacts(cfg.reprovision_window_minutes),
      aggregate: 'avg(v)',
    },
    ciDelay(0.5, cfg),
    ciDelay(0.9, cfg),
    {
      name: 'testenv.provision.early_share',
      version: 1,
      title: 'Early provisioning share',
      unit: 'ratio',
      description:
        'Share of provisions that started before CI tests had completed (attributes.ci_tests_complete = false), among provisions that report it.',
      why: 'Shows the optimisation at work: an environment provisioned early is ready while the tests still run.',
      action: 'If it stays low after the change, provisioning is still waiting for tests somewhere.',
      direction: 'higher_is_better',
      groupBy: GROUPS,
      facts: provisions(
        `case when ${attr('s', 'ci_tests_complete')} = 'false' then 1.0 else 0.0 end`,
        `${attr('s', 'ci_tests_complete')} in ('true', 'false')`,
      ),
      aggregate: 'avg(v)',
    },
    {
      name: 'testenv.parallel.median_minutes',
      version: 1,
      title: 'Parallel development time (median)',
      unit: 'minutes',
      description:
        'Median time a ready environment was usable while CI tests still ran: the end of the CI run’s test jobs minus ready, 0 when the tests ended first; successful provisions joined to their CI run.',
      why: 'Time developers can test in their environment in parallel with CI instead of waiting for it.',
      action: 'Near 0 means provisioning still waits for tests: start it when the images are built.',
      direction: 'higher_is_better',
      groupBy: GROUPS,
      facts: `select m.started_at as ts, greatest(0.0, ${minutesBetween('m.ended_at', 'm.tests_end')}) as v,
        m.repo, m.team, m.key as branch, m.span_id as provision, m.run_id as ci_run
        from (${ci}) m where m.status = 'ok' and m.ended_at is not null and m.tests_end is not null`,
      aggregate: pct(0.5),
    },
    {
      name: 'testenv.phase.duration_p50_minutes',
      version: 1,
      title: 'Provisioning phase time (median)',
      unit: 'minutes',
      description:
        'Median duration of each provisioning phase (CI checks, Kubernetes, waiting for readiness); group by phase.',
      why: 'Shows which phase to optimise first.',
      action: 'Attack the phase with the largest median; the CI-checks wait is often avoidable.',
      direction: 'lower_is_better',
      groupBy: [...GROUPS, 'phase'],
      facts: phaseFacts,
      aggregate: pct(0.5),
    },
    {
      name: 'testenv.phase.duration_p90_minutes',
      version: 1,
      title: 'Provisioning phase time (p90)',
      unit: 'minutes',
      description: '90th percentile duration of each provisioning phase; group by phase.',
      why: 'The slow tail of a phase is what makes some waits far longer than the median.',
      action:
        'A phase whose p90 is far above its median has an intermittent cause: look at its slowest runs.',
      direction: 'lower_is_better',
      groupBy: [...GROUPS, 'phase'],
      facts: phaseFacts,
      aggregate: pct(0.9),
    },
  ];
}
