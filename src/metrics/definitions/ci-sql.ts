import type { MetricDefinition } from '../registry/types.js';

/** SQL shared by the CI metrics (`ci.*`) and their GitHub Actions views (`github.ci.*`). */

export const RUN_GROUPS = ['repo', 'team', 'workflow'] as const;
export const JOB_GROUPS = ['repo', 'team', 'workflow', 'job'] as const;

/** Completed runs, each attempt separately (a re-run is another wait for the developer). */
export const runFacts = (
  v: string,
  where = 'true',
) => `select r.created_at as ts, ${v} as v, r.repo, rp.team, r.workflow
  from pipeline_runs r left join repos rp on rp.repo = r.repo
  where r.completed_at is not null and ${where}`;

/** The last attempt of each run: what the run finally concluded after its re-runs. */
export const finalAttempt = `not exists (select 1 from pipeline_runs r2 where r2.repo = r.repo and r2.run_id = r.run_id and r2.attempt > r.attempt)`;

export interface JobFactsOptions {
  /** The instant a job is bucketed by. */
  ts: string;
  /** What the `job` group-by is: the job's own name, or its stage (matrix legs as one). */
  job: string;
  where?: string;
  /** Extra columns, written as ` expr as name,`. */
  extra?: string;
}

/** Jobs that actually ran: skipped jobs have no start worth measuring. */
export const jobFacts = (
  v: string,
  o: JobFactsOptions,
) => `select ${o.ts} as ts, ${v} as v,${o.extra ?? ''} j.repo, rp.team, j.workflow, ${o.job} as job
  from pipeline_jobs j left join repos rp on rp.repo = j.repo
  where j.started_at is not null and coalesce(j.conclusion, '') <> 'skipped' and ${o.where ?? 'true'}`;

export const rate = (cond: string) => `case when ${cond} then 1.0 else 0.0 end`;

/** "p90" for 0.9: percentile metrics are named by it. */
export const pctLabel = (p: number) => `p${Math.round(p * 100)}`;

/** One definition per percentile, from a builder given the percentile and its label. */
export const percentileMetrics = (
  ps: readonly number[],
  build: (p: number, label: string) => MetricDefinition,
): MetricDefinition[] => ps.map((p) => build(p, pctLabel(p)));
