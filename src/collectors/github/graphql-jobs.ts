import { z } from 'zod';
import type { RestJob, RestRun } from './rest-schemas.js';
import type { RepoContext } from './repo-context.js';

/**
 * Jobs of up to 100 workflow runs in one GraphQL request: each run is a check suite (its REST
 * `check_suite_node_id`) and each job a check run with the job's id. What GraphQL lacks, and
 * so what this path gives up: a job's `created_at` (queue time), its runner, and the attempt a
 * check run belongs to. Only single-attempt runs are read this way; re-run runs keep REST.
 */
export const SUITES_PER_QUERY = 100;
const RUNS_PER_SUITE = 100;

export const CHECK_RUNS_QUERY = `query CheckRuns($ids: [ID!]!) {
  rateLimit { cost remaining resetAt }
  nodes(ids: $ids) {
    __typename
    ... on CheckSuite {
      id
      checkRuns(first: ${RUNS_PER_SUITE}, filterBy: { checkType: LATEST }) {
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
 * Jobs by run id for the runs GraphQL can answer whole; a run left out (no check suite id, a
 * re-run, more than 100 jobs, an id that cannot be read) is for the caller to read over REST.
 */
export async function checkRunJobs(
  ctx: RepoContext,
  runs: readonly RestRun[],
): Promise<Map<number, RestJob[]>> {
  const out = new Map<number, RestJob[]>();
  const eligible = runs.filter((r) => r.check_suite_node_id && (r.run_attempt ?? 1) === 1);
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
          run_attempt: 1,
          workflow_name: run.name ?? null,
          name: c.name,
          status: c.status,
          conclusion: c.conclusion ?? null,
          // Not in GraphQL: queue time is unknown, never zero.
          created_at: null,
          started_at: c.startedAt ?? null,
          completed_at: c.completedAt ?? null,
          runner_name: null,
          labels: null,
          steps: null,
        });
      }
      out.set(run.id, jobs);
    });
  }
  return out;
}
