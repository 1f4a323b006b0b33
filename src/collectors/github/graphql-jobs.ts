import { z } from 'zod';
import { placeholders } from '../../store/store.js';
import type { RestJob, RestRun } from './rest-schemas.js';
import type { RepoContext } from './repo-context.js';

/**
 * Jobs of up to 100 workflow runs in one GraphQL request: each run is a check suite (its REST
 * `check_suite_node_id`) and each job a check run with the job's id. What GraphQL lacks: a
 * job's `created_at` (queue time), its runner, and the attempt a check run belongs to. They
 * come from `workflow_job` webhook deliveries, else REST (see `runsLackingQueueTime`).
 */
export const SUITES_PER_QUERY = 100;
const RUNS_PER_SUITE = 100;

export const CHECK_RUNS_QUERY = `query CheckRuns($ids: [ID!]!) {
  rateLimit { cost remaining resetAt }
  nodes(ids: $ids) {
    __typename
    ... on CheckSuite {
      id
      checkRuns(first: ${RUNS_PER_SUITE}, filterBy: { checkType: ALL }) {
        pageInfo { hasNextPage }
        nodes { databaseId resourcePath name status conclusion startedAt completedAt }
      }
    }
  }
}`;

const checkRun = z.object({
  databaseId: z.number().int().nullish(),
  resourcePath: z.string(),
  name: z.string(),
  status: z.string(),
  conclusion: z.string().nullish(),
  startedAt: z.string().nullish(),
  completedAt: z.string().nullish(),
});
const response = z.object({
  nodes: z.array(
    z
      .object({
        __typename: z.string(),
        id: z.string().optional(),
        checkRuns: z
          .object({ pageInfo: z.object({ hasNextPage: z.boolean() }), nodes: z.array(checkRun) })
          .nullish(),
      })
      .nullable(),
  ),
});

/** The REST job id: a check run's path ends in it ("/owner/repo/runs/<id>"); databaseId is a 32-bit Int. */
function jobId(c: z.output<typeof checkRun>): number | null {
  const m = /\/runs\/(\d+)$/.exec(c.resourcePath);
  const id = m ? Number(m[1]) : (c.databaseId ?? null);
  return id !== null && Number.isSafeInteger(id) ? id : null;
}

/**
 * Jobs by run id for the runs GraphQL can answer whole; a run left out (no check suite id, more
 * than 100 jobs over its attempts, an id that cannot be read, a re-run unless `reruns`) is for
 * the caller to read over REST. A re-run's check runs (every attempt's: checkType ALL) carry no
 * attempt, so its jobs leave it unknown: only worth reading where deliveries stored them.
 */
export async function checkRunJobs(
  ctx: RepoContext,
  runs: readonly RestRun[],
  reruns: boolean,
): Promise<Map<number, RestJob[]>> {
  const out = new Map<number, RestJob[]>();
  const eligible = runs.filter((r) => r.check_suite_node_id && (reruns || (r.run_attempt ?? 1) === 1));
  for (let i = 0; i < eligible.length; i += SUITES_PER_QUERY) {
    const chunk = eligible.slice(i, i + SUITES_PER_QUERY);
    const raw: unknown = await ctx.octokit.graphql(CHECK_RUNS_QUERY, {
      ids: chunk.map((r) => r.check_suite_node_id!),
    });
    const parsed = response.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`unexpected GitHub GraphQL check runs: ${issue.path.join('.')}: ${issue.message}`);
    }
    parsed.data.nodes.forEach((node, k) => {
      const run = chunk[k]!;
      const conn = node?.checkRuns;
      if (!conn || conn.pageInfo.hasNextPage) return;
      const jobs: RestJob[] = [];
      for (const c of conn.nodes) {
        const id = jobId(c);
        if (id === null) return;
        jobs.push({
          id,
          run_id: run.id,
          run_attempt: (run.run_attempt ?? 1) === 1 ? 1 : undefined,
          workflow_name: run.name ?? null,
          name: c.name,
          status: c.status,
          conclusion: c.conclusion ?? null,
          // Not in GraphQL: left unknown (undefined), so a stored webhook delivery's creation
          // time and runner stay, and a new job has no queue time rather than zero.
          created_at: undefined,
          started_at: c.startedAt ?? null,
          completed_at: c.completedAt ?? null,
          runner_name: undefined,
          labels: null,
          steps: null,
        });
      }
      out.set(run.id, jobs);
    });
  }
  return out;
}

/**
 * Runs (of `jobs`, GraphQL's) with a job whose creation time the store does not have: no
 * `workflow_job` delivery stored it. One look-up per 500 jobs.
 */
export async function runsLackingQueueTime(
  ctx: Pick<RepoContext, 'store' | 'repo'>,
  jobs: ReadonlyMap<number, readonly RestJob[]>,
): Promise<Set<number>> {
  const all = [...jobs.values()].flat();
  const known = new Set<string>();
  for (let i = 0; i < all.length; i += 500) {
    const ids = all.slice(i, i + 500).map((j) => String(j.id));
    const rows = await ctx.store.query<{ job_id: string }>(
      `select job_id from pipeline_jobs where repo = $1 and created_at is not null and job_id in (${placeholders(ids.length, 2)})`,
      [ctx.repo, ...ids],
    );
    for (const r of rows) known.add(r.job_id);
  }
  const out = new Set<number>();
  for (const [run, js] of jobs) if (js.some((j) => !known.has(String(j.id)))) out.add(run);
  return out;
}
