import type { MetricDefinition } from '../registry/types.js';
import { median } from './sql.js';

/** CI critical paths, derived by enrich into run_critical_paths and critical_path_jobs. */
const GROUPS = ['repo', 'team', 'workflow'] as const;
const paths = (
  v: string,
) => `select p.created_at as ts, ${v} as v, p.repo, r.team, p.workflow, p.run_id, p.attempt, p.path
  from run_critical_paths p left join repos r on r.repo = p.repo`;

export const criticalPathDefinitions: MetricDefinition[] = [
  {
    name: 'ci.critical_path.duration_p50_minutes',
    version: 1,
    title: 'CI critical path (median)',
    unit: 'minutes',
    description:
      'Median length of each run’s critical path: the chain of jobs (queue + execution) that decided when it finished.',
    why: 'Only the critical path decides how long developers wait; speeding up other jobs saves compute, not time.',
    action:
      'Speed up the job with the largest share of the critical path (group by job on ci.critical_path.job_share).',
    direction: 'lower_is_better',
    thresholds: { green: 10, yellow: 20 },
    groupBy: GROUPS,
    facts: paths('p.path_seconds / 60.0'),
    aggregate: median,
  },
  {
    name: 'ci.critical_path.serial_share',
    version: 1,
    title: 'CI serial share (median)',
    unit: 'ratio',
    description:
      'Median share of a run’s job execution time that lies on its critical path: 1 is fully serial, low is well parallelised.',
    why: 'A serial pipeline wastes the runners you already pay for.',
    action: 'Split the longest serial job, or remove needs edges that are not real dependencies.',
    direction: 'lower_is_better',
    thresholds: { green: 0.5, yellow: 0.75 },
    groupBy: GROUPS,
    facts: paths('p.serial_share'),
    aggregate: median,
  },
  {
    name: 'ci.critical_path.job_share',
    version: 1,
    title: 'Critical-path share of the job to speed up first',
    unit: 'ratio',
    description:
      'Share of all critical-path time taken by the job that takes most of it (per repo or workflow when grouped). Group by job to see every job’s share.',
    why: 'Points at the one job whose speed-up shortens every developer’s wait.',
    action:
      'Cache, parallelise or split that job (pitwall metrics explain ci.critical_path.job_share names it).',
    direction: 'lower_is_better',
    groupBy: ['repo', 'workflow', 'job'],
    explain: `select rp.created_at as ts, j.job, j.exclusive_seconds, j.position, rp.path, j.repo, rp.workflow, j.run_id, j.attempt
      from critical_path_jobs j join run_critical_paths rp on rp.repo = j.repo and rp.run_id = j.run_id and rp.attempt = j.attempt`,
    query: (p) => {
      const dim = p.by && p.by !== 'job' ? p.group(p.by) : 'cast(null as text)';
      const perJob = `with f as (select * from (
  select rp.created_at as ts, j.exclusive_seconds as v, j.repo, rp.workflow, j.job
  from critical_path_jobs j join run_critical_paths rp on rp.repo = j.repo and rp.run_id = j.run_id and rp.attempt = j.attempt
  where rp.created_at >= $1::timestamp and rp.created_at < $2::timestamp
) x where true${p.where}), per as (select ${p.bucket('ts')} as bucket, ${dim} as grp, job, sum(v) as s from f group by 1, 2, 3),
shares as (select bucket, grp, job, s / nullif(sum(s) over (partition by bucket, grp), 0) as share from per)`;
      return p.by === 'job'
        ? `${perJob} select bucket, job as grp, share as value from shares order by 1, 2`
        : `${perJob} select bucket, grp, max(share) as value from shares group by 1, 2 order by 1, 2`;
    },
  },
];
