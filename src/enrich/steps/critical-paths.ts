import type { SqlValue, Store } from '../../store/store.js';
import { criticalPathOf, type JobTiming } from '../job-graph.js';
import type { EnrichStep } from '../step.js';

interface JobRow {
  repo: string;
  run_id: string;
  attempt: number;
  workflow: string;
  run_created_at: Date;
  run_completed_at: Date;
  name: string;
  needs: string;
  created_at: Date | null;
  started_at: Date;
  completed_at: Date;
}

const CHUNK_RUNS = 20_000;

/**
 * Computes the critical path of every completed run attempt not analysed yet, a chunk of runs
 * at a time so memory stays bounded on large organisations.
 */
export async function deriveCriticalPaths(store: Store): Promise<number> {
  let total = 0;
  for (;;) {
    const runs = await store.query<{ repo: string; run_id: string; attempt: number; created_at: Date }>(
      `select r.repo, r.run_id, r.attempt, r.created_at from pipeline_runs r
       where r.completed_at is not null
         and not exists (select 1 from run_critical_paths p where p.repo = r.repo and p.run_id = r.run_id and p.attempt = r.attempt)
       order by r.created_at, r.repo, r.run_id, r.attempt limit ${CHUNK_RUNS}`,
    );
    if (!runs.length) return total;
    const jobs = await store.query<JobRow>(
      `select j.repo, j.run_id, j.attempt, r.workflow, r.created_at as run_created_at, r.completed_at as run_completed_at,
              j.name, j.needs, j.created_at, j.started_at, j.completed_at
       from pipeline_runs r join pipeline_jobs j on j.repo = r.repo and j.run_id = r.run_id and j.attempt = r.attempt
       where r.completed_at is not null and j.started_at is not null and j.completed_at is not null
         and coalesce(j.conclusion, '') <> 'skipped'
         and r.created_at >= $1::timestamp and r.created_at <= $2::timestamp
         and not exists (select 1 from run_critical_paths p where p.repo = r.repo and p.run_id = r.run_id and p.attempt = r.attempt)`,
      [runs[0]!.created_at, runs[runs.length - 1]!.created_at],
    );
    const byRun = new Map<string, JobRow[]>();
    for (const j of jobs) {
      const k = `${j.repo}\u0000${j.run_id}\u0000${j.attempt}`;
      const list = byRun.get(k);
      if (list) list.push(j);
      else byRun.set(k, [j]);
    }
    const paths: SqlValue[][] = [];
    const pathJobs: SqlValue[][] = [];
    for (const run of runs) {
      const list = byRun.get(`${run.repo}\u0000${run.run_id}\u0000${run.attempt}`) ?? [];
      const head = list[0];
      const timings: JobTiming[] = list.map((j) => ({
        name: j.name,
        needs: JSON.parse(j.needs) as string[],
        created: (j.created_at ?? j.started_at).getTime(),
        started: j.started_at.getTime(),
        completed: j.completed_at.getTime(),
      }));
      const runCreated = head ? head.run_created_at.getTime() : 0;
      const cp = criticalPathOf(timings, runCreated);
      const wall = head ? (head.run_completed_at.getTime() - runCreated) / 1000 : 0;
      paths.push([
        run.repo,
        run.run_id,
        run.attempt,
        head?.workflow ?? '',
        head?.run_created_at ?? new Date(0),
        wall,
        cp.pathSeconds,
        cp.workSeconds,
        cp.serialShare,
        cp.path.map((p) => p.name).join(' > '),
        cp.inferred,
      ]);
      cp.path.forEach((p, i) =>
        pathJobs.push([run.repo, run.run_id, run.attempt, i + 1, p.name, p.exclusiveSeconds]),
      );
    }
    await store.upsert([
      {
        table: 'run_critical_paths',
        columns: [
          'repo',
          'run_id',
          'attempt',
          'workflow',
          'created_at',
          'wall_seconds',
          'path_seconds',
          'work_seconds',
          'serial_share',
          'path',
          'inferred',
        ],
        key: ['repo', 'run_id', 'attempt'],
        rows: paths,
      },
      {
        table: 'critical_path_jobs',
        columns: ['repo', 'run_id', 'attempt', 'position', 'job', 'exclusive_seconds'],
        key: ['repo', 'run_id', 'attempt', 'position'],
        rows: pathJobs,
      },
    ]);
    total += runs.length;
  }
}

export const criticalPaths = {
  id: 'critical-paths',
  description: "each completed CI run attempt's critical path of jobs",
  reads: ['pipeline_runs', 'pipeline_jobs'],
  writes: ['run_critical_paths', 'critical_path_jobs'],
  async run({ store, full }) {
    // Incremental: only runs not analysed yet. With no earlier result to trust, start over.
    if (full)
      await store.transaction(async (tx) => {
        await tx.query('delete from critical_path_jobs');
        await tx.query('delete from run_critical_paths');
      });
    return deriveCriticalPaths(store);
  },
} satisfies EnrichStep;
