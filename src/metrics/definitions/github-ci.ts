import type { MetricDefinition } from '../registry/types.js';
import { JOB_GROUPS, RUN_GROUPS, finalAttempt, jobFacts, pctLabel, rate, runFacts } from './ci-sql.js';
import { median, minutesBetween, pct, secondsBetween } from './sql.js';

/*
 * `github.ci.*` reads every pipeline run, whichever CI wrote it: the warehouse keeps no source
 * marker on runs or jobs (a numeric run id or the event name also fit other CIs), so a store
 * fed by GitHub and another CI mixes both here. Filtering needs a `provider` column first.
 */

/** Completed attempts of the runs (a re-run is another wait, so each attempt counts). */
const runs = runFacts;
const final = finalAttempt;

/** Jobs that ran, by start; a job's stage groups matrix legs. Queue = started − created, clamped at 0. */
const jobs = (v: string, where = 'true') =>
  jobFacts(v, { ts: 'j.started_at', job: 'coalesce(j.stage, j.name)', where });

const runDuration = (p: number, green: number, yellow: number): MetricDefinition => ({
  name: `github.ci.duration_${pctLabel(p)}_minutes`,
  version: 1,
  title: `Workflow run duration (${pctLabel(p)})`,
  unit: 'minutes',
  description: `${Math.round(p * 100)}th percentile of a workflow run attempt's wall-clock time, from created (queued) to completed.`,
  why:
    p === 0.5
      ? 'The typical wait for CI feedback on a push.'
      : 'The tail decides how often developers give up waiting and switch context; means hide it.',
  action:
    'Open the slowest workflow, shorten its critical path (longest job first); add runners if queue time dominates.',
  direction: 'lower_is_better',
  thresholds: { green, yellow },
  groupBy: RUN_GROUPS,
  facts: runs(minutesBetween('r.created_at', 'r.completed_at')),
  aggregate: pct(p),
});

const queue = (p: number, green: number, yellow: number): MetricDefinition => ({
  name: `github.ci.queue_${pctLabel(p)}_seconds`,
  version: 1,
  title: `Job queue time (${pctLabel(p)})`,
  unit: 'seconds',
  description: `${Math.round(p * 100)}th percentile of the time a job waited for a runner (started − created; never negative; jobs without a created time are left out).`,
  why: 'Queue time is pure waiting that runner capacity, not code, decides.',
  action: 'Add runners or autoscaling for the busy hours; move long jobs off the shared pool.',
  direction: 'lower_is_better',
  thresholds: { green, yellow },
  groupBy: JOB_GROUPS,
  facts: jobs(`greatest(${secondsBetween('j.created_at', 'j.started_at')}, 0)`, 'j.created_at is not null'),
  aggregate: pct(p),
});

const jobDuration = (p: number): MetricDefinition => ({
  name: `github.ci.job_duration_${pctLabel(p)}_minutes`,
  version: 1,
  title: `Job duration (${pctLabel(p)})`,
  unit: 'minutes',
  description: `${Math.round(p * 100)}th percentile of job execution time (started to completed); group by job to compare stages (matrix legs are one stage).`,
  why: 'Finds the stage (lint, unit, integration, build, deploy) that costs the most.',
  action: 'Cache, split or parallelise the slowest stage on the critical path.',
  direction: 'lower_is_better',
  groupBy: JOB_GROUPS,
  facts: jobs(minutesBetween('j.started_at', 'j.completed_at'), 'j.completed_at is not null'),
  aggregate: p === 0.5 ? median : pct(p),
});

export const githubCiDefinitions: MetricDefinition[] = [
  runDuration(0.5, 10, 20),
  runDuration(0.9, 20, 40),
  runDuration(0.99, 30, 60),
  {
    name: 'github.ci.failure_rate',
    version: 1,
    title: 'Workflow failure rate',
    unit: 'ratio',
    description:
      'Share of runs whose final attempt failed or timed out (cancelled and skipped runs left out).',
    why: 'Red builds block merges and teach people to ignore CI; the seed catalogue tracks it as a quality goal.',
    action: 'Split real failures from flaky ones; quarantine flaky tests and fix the top failing jobs.',
    direction: 'lower_is_better',
    thresholds: { green: 0.05, yellow: 0.15 },
    groupBy: RUN_GROUPS,
    facts: runs(
      rate(`r.conclusion in ('failure', 'timed_out')`),
      `${final} and coalesce(r.conclusion, '') not in ('cancelled', 'skipped')`,
    ),
    aggregate: 'avg(v)',
  },
  {
    name: 'github.ci.rerun_rate',
    version: 1,
    title: 'Workflow re-run rate',
    unit: 'ratio',
    description: 'Share of runs that needed more than one attempt (attempts of one run are one run).',
    why: 'Re-runs are waiting and compute spent on flaky tests or infrastructure.',
    action: 'Find the workflows and jobs re-run most and the flaky tests inside them.',
    direction: 'lower_is_better',
    thresholds: { green: 0.05, yellow: 0.15 },
    groupBy: RUN_GROUPS,
    facts: runs(rate('r.attempt > 1'), final),
    aggregate: 'avg(v)',
  },
  {
    name: 'github.ci.runs',
    version: 1,
    title: 'Workflow runs',
    unit: 'runs',
    description: 'Distinct workflow runs created in the window (re-run attempts are not new runs).',
    why: 'The load on CI and the denominator of its rates.',
    action: 'Size runner capacity against it and against queue time.',
    direction: 'higher_is_better',
    groupBy: RUN_GROUPS,
    facts: runs('1', final),
    aggregate: 'cast(count(*) as double precision)',
  },
  queue(0.5, 10, 30),
  queue(0.95, 30, 120),
  jobDuration(0.5),
  jobDuration(0.9),
  {
    name: 'github.ci.job_failure_rate',
    version: 1,
    title: 'Job failure rate',
    unit: 'ratio',
    description:
      'Share of completed jobs (every attempt) that failed or timed out; group by job for the failing stage.',
    why: 'Points at the stage that breaks, which the run-level rate cannot.',
    action: 'Fix or quarantine the job with the highest rate and volume first.',
    direction: 'lower_is_better',
    thresholds: { green: 0.03, yellow: 0.1 },
    groupBy: JOB_GROUPS,
    facts: jobs(
      rate(`j.conclusion in ('failure', 'timed_out')`),
      `j.completed_at is not null and coalesce(j.conclusion, '') <> 'cancelled'`,
    ),
    aggregate: 'avg(v)',
  },
];
