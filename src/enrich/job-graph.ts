/** A job's timings in epoch milliseconds; `created` is when it was queued (started when unknown). */
export interface JobTiming {
  name: string;
  needs: string[];
  created: number;
  started: number;
  completed: number;
}

export interface CriticalPath {
  /** From the first job to the one that finished the run. */
  path: { name: string; exclusiveSeconds: number }[];
  pathSeconds: number;
  /** Execution time (started → completed) of every job. */
  workSeconds: number;
  /** Execution time of the path's jobs / of all jobs: 1 means fully serial. */
  serialShare: number;
  /** True when edges were inferred from timing because no job declared `needs`. */
  inferred: boolean;
}

/** Timing slack when inferring edges: a job queued within this of another's end waited for it. */
const SLACK_MS = 2_000;

/** A `needs` entry names a job key; matrix jobs show as "unit (ubuntu, 20)", so match the prefix too. */
function matches(need: string, job: JobTiming): boolean {
  return job.name === need || job.name.startsWith(`${need} (`);
}

/**
 * The chain of jobs that decided when the run finished: start from the job that completed last
 * and walk back through the predecessor it waited for longest (the one that completed last).
 * Predecessors come from `needs`; without any `needs` they are inferred from timing (jobs that
 * completed before this one was queued). Each path job's exclusive time runs from its
 * predecessor's completion (or the run's creation) to its own completion: queue plus execution.
 */
export function criticalPathOf(jobs: readonly JobTiming[], runCreated: number): CriticalPath {
  const workSeconds = jobs.reduce((s, j) => s + Math.max(0, j.completed - j.started), 0) / 1000;
  if (!jobs.length) return { path: [], pathSeconds: 0, workSeconds, serialShare: 0, inferred: false };
  const declared = jobs.some((j) => j.needs.length > 0);
  const preds = (j: JobTiming): JobTiming[] =>
    declared
      ? jobs.filter((o) => o !== j && j.needs.some((n) => matches(n, o)))
      : jobs.filter((o) => o !== j && o.completed <= j.created + SLACK_MS && o.completed <= j.started);
  const reversed: JobTiming[] = [];
  let cur: JobTiming | undefined = jobs.reduce((a, b) => (b.completed > a.completed ? b : a));
  while (cur && !reversed.includes(cur)) {
    reversed.push(cur);
    const p = preds(cur);
    cur = p.length ? p.reduce((a, b) => (b.completed > a.completed ? b : a)) : undefined;
  }
  const ordered = reversed.reverse();
  const path = ordered.map((j, i) => {
    const from = i === 0 ? Math.min(runCreated || j.created, j.created) : ordered[i - 1]!.completed;
    return { name: j.name, exclusiveSeconds: Math.max(0, j.completed - from) / 1000 };
  });
  const pathExec = ordered.reduce((s, j) => s + Math.max(0, j.completed - j.started), 0) / 1000;
  return {
    path,
    pathSeconds: path.reduce((s, p) => s + p.exclusiveSeconds, 0),
    workSeconds,
    serialShare: workSeconds > 0 ? pathExec / workSeconds : 0,
    inferred: !declared,
  };
}
