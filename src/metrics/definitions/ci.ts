import type { MetricDefinition } from '../registry/types.js';
import {
  JOB_GROUPS,
  RUN_GROUPS,
  finalAttempt,
  jobFacts,
  percentileMetrics,
  pctLabel,
  runFacts,
} from './ci-sql.js';
import { median, minutesBetween, pct, secondsBetween } from './sql.js';

const runs = runFacts;

/** Jobs that ran and know when they were queued; queue time is never negative (clock skew). */
const jobs = (v: string, where = 'true', extra = '') =>
  jobFacts(v, { ts: 'j.created_at', job: 'j.name', where: `j.created_at is not null and ${where}`, extra });

const durationPct = (p: number, green: number, yellow: number): MetricDefinition => ({
  name: `ci.runs.duration_${pctLabel(p)}_minutes`,
  version: 1,
  title: `CI run duration (${pctLabel(p)})`,
  unit: 'minutes',
  description: `${Math.round(p * 100)}th percentile of wall-clock time from a run being created (queued) to completing, per attempt.`,
  why: 'How long a developer waits for CI feedback; the tail decides how often people context-switch.',
  action:
    'Open the critical path of the slowest workflow and speed up its longest job first; add runners if queue time dominates.',
  direction: 'lower_is_better',
  thresholds: { green, yellow },
  groupBy: RUN_GROUPS,
  facts: runs(minutesBetween('r.created_at', 'r.completed_at')),
  aggregate: pct(p),
});

export const ciDefinitions: MetricDefinition[] = [
  durationPct(0.5, 10, 20),
  durationPct(0.9, 20, 40),
  durationPct(0.99, 30, 60),
  {
    name: 'ci.runs.success_rate',
    version: 1,
    title: 'CI success rate',
    unit: 'ratio',
    description:
      'Share of completed runs whose final attempt succeeded (cancelled and skipped runs excluded).',
    why: 'Red builds block merges and teach people to ignore CI.',
    action:
      'Separate real failures from flaky tests; quarantine the flaky ones and fix the top failing jobs.',
    direction: 'higher_is_better',
    thresholds: { green: 0.95, yellow: 0.85 },
    groupBy: RUN_GROUPS,
    facts: runs(
      `case when r.conclusion = 'success' then 1.0 else 0.0 end`,
      `${finalAttempt} and coalesce(r.conclusion, '') not in ('cancelled', 'skipped')`,
    ),
    aggregate: 'avg(v)',
  },
  {
    name: 'ci.runs.rerun_rate',
    version: 1,
    title: 'CI re-run rate',
    unit: 'ratio',
    description: 'Share of runs that needed more than one attempt.',
    why: 'Re-runs are wasted compute and waiting, usually caused by flaky tests or infrastructure.',
    action: 'Find the jobs re-run most and the flaky tests inside them.',
    direction: 'lower_is_better',
    thresholds: { green: 0.05, yellow: 0.15 },
    groupBy: RUN_GROUPS,
    facts: runs('case when r.attempt > 1 then 1.0 else 0.0 end', finalAttempt),
    aggregate: 'avg(v)',
  },
  {
    name: 'ci.runs.count',
    version: 1,
    title: 'CI runs',
    unit: 'runs',
    description: 'Completed CI run attempts created in the window.',
    why: 'The load on the CI system; the denominator of every rate above.',
    action: 'Use it to size runner capacity against queue time.',
    direction: 'higher_is_better',
    groupBy: RUN_GROUPS,
    facts: runs('1'),
    aggregate: 'count(*)',
  },
  ...percentileMetrics([0.5, 0.95], (p, label) => ({
    name: `ci.jobs.queue_${label}_seconds`,
    version: 1,
    title: `CI queue time (${label})`,
    unit: 'seconds',
    description: `${Math.round(p * 100)}th percentile of the time a job waited for a runner (started − created, never negative).`,
    why: 'Queue time is pure waiting: capacity, not code, decides it.',
    action:
      'Add runners or autoscaling for the busiest hours (see the queue-time heatmap); prioritise short jobs.',
    direction: 'lower_is_better',
    thresholds: p === 0.5 ? { green: 10, yellow: 30 } : { green: 30, yellow: 120 },
    groupBy: JOB_GROUPS,
    facts: jobs(`greatest(${secondsBetween('j.created_at', 'j.started_at')}, 0)`),
    aggregate: pct(p),
  })),
  {
    name: 'ci.jobs.queue_share',
    version: 1,
    title: 'Share of CI time spent queueing',
    unit: 'ratio',
    description: 'Queue time / (queue time + execution time), summed over the jobs that ran.',
    why: 'Time a developer waits while no runner works on their change is pure waste.',
    action: 'Add runner capacity for the busy hours, or cut the number of jobs per run.',
    direction: 'lower_is_better',
    thresholds: { green: 0.1, yellow: 0.25 },
    groupBy: JOB_GROUPS,
    facts: jobs(
      `greatest(${secondsBetween('j.created_at', 'j.started_at')}, 0)`,
      'j.completed_at is not null',
      ` ${secondsBetween('j.started_at', 'j.completed_at')} as exec_seconds,`,
    ),
    aggregate: 'sum(v) / nullif(sum(v) + sum(exec_seconds), 0)',
  },
  {
    name: 'ci.jobs.duration_p50_minutes',
    version: 1,
    title: 'CI job duration (median)',
    unit: 'minutes',
    description: 'Median execution time of jobs (started to completed); group by job to compare stages.',
    why: 'Finds the stage (lint, unit, integration, e2e, build) that costs the most.',
    action: 'Parallelise or cache the slowest stage on the critical path.',
    direction: 'lower_is_better',
    groupBy: JOB_GROUPS,
    facts: jobs(minutesBetween('j.started_at', 'j.completed_at'), 'j.completed_at is not null'),
    aggregate: median,
  },
  {
    name: 'ci.jobs.duration_p95_minutes',
    version: 1,
    title: 'CI job duration (p95)',
    unit: 'minutes',
    description: '95th percentile execution time of jobs; group by job for each stage’s tail.',
    why: 'A stage with a long tail makes every run unpredictable.',
    action: 'Split or shard the stage whose tail is longest; look for timeouts and retries inside it.',
    direction: 'lower_is_better',
    groupBy: JOB_GROUPS,
    facts: jobs(minutesBetween('j.started_at', 'j.completed_at'), 'j.completed_at is not null'),
    aggregate: pct(0.95),
  },
  {
    name: 'ci.jobs.success_rate',
    version: 1,
    title: 'CI job success rate',
    unit: 'ratio',
    description:
      'Share of jobs that ran and succeeded (cancelled jobs excluded); group by job for each stage.',
    why: 'Shows which stage breaks builds most often.',
    action: 'Fix or quarantine the flaky tests of the stage with the lowest rate.',
    direction: 'higher_is_better',
    thresholds: { green: 0.95, yellow: 0.85 },
    groupBy: JOB_GROUPS,
    facts: jobs(
      `case when j.conclusion = 'success' then 1.0 else 0.0 end`,
      `j.completed_at is not null and coalesce(j.conclusion, '') <> 'cancelled'`,
    ),
    aggregate: 'avg(v)',
  },
];
