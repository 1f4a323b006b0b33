import { connection, type PageArgs } from './graphql-views.js';
import type { RepoModel, RestJob, RestRun, RunModel, ServerData } from './model.js';

/*
 * Check suites and check runs over the Actions model: GitHub makes every workflow run a check
 * suite (`check_suite_node_id` on the REST run) and every job a check run with the job's id.
 */

const INT_MAX = 2 ** 31 - 1;
const upper = (v: unknown) => (typeof v === 'string' && v ? v.toUpperCase() : null);
export const suiteNodeId = (run: RestRun): string =>
  typeof run.check_suite_node_id === 'string' ? run.check_suite_node_id : `CS_${run.id}`;

function checkRunView(repo: RepoModel, j: RestJob, suite: () => unknown) {
  const path = `/${repo.rest.full_name}/runs/${j.id}`;
  return {
    __typename: 'CheckRun',
    id: typeof j.node_id === 'string' ? j.node_id : `CR_${j.id}`,
    // GraphQL's Int is 32-bit: a larger job id (real ones are) has no databaseId here; the
    // resource path still names it.
    databaseId: j.id <= INT_MAX ? j.id : null,
    name: j.name,
    status: upper(j.status) ?? 'COMPLETED',
    conclusion: upper(j.conclusion),
    startedAt: j.started_at ?? null,
    completedAt: j.completed_at ?? null,
    resourcePath: path,
    url: `https://github.com${path}`,
    permalink: `https://github.com${path}`,
    checkSuite: suite,
  };
}

function suiteView(repo: RepoModel, run: RunModel) {
  const attempts = run.attempts;
  const latest = attempts[attempts.length - 1]!;
  const top = Math.max(0, ...run.jobs.map((j) => j.run_attempt));
  const self = () => view;
  const view = {
    __typename: 'CheckSuite',
    id: suiteNodeId(latest),
    databaseId: typeof latest.check_suite_id === 'number' ? latest.check_suite_id : null,
    status: upper(latest.status) ?? 'COMPLETED',
    conclusion: upper(latest.conclusion),
    createdAt: attempts[0]!.created_at,
    updatedAt: latest.updated_at,
    checkRuns: (
      a: PageArgs & { filterBy?: { checkType?: string | null; checkName?: string | null } | null },
    ) => {
      // LATEST (GitHub's default) keeps the newest attempt's runs; ALL keeps every attempt's.
      const all = a.filterBy?.checkType === 'ALL';
      const jobs = run.jobs.filter(
        (j) => (all || j.run_attempt === top) && (!a.filterBy?.checkName || j.name === a.filterBy.checkName),
      );
      const page = connection(jobs, a);
      const v = (j: RestJob) => checkRunView(repo, j, self);
      return {
        ...page,
        nodes: page.nodes.map(v),
        edges: page.edges.map((e) => ({ cursor: e.cursor, node: v(e.node) })),
      };
    },
    workflowRun: {
      __typename: 'WorkflowRun',
      id: typeof latest.node_id === 'string' ? latest.node_id : `WFR_${run.id}`,
      databaseId: run.id <= INT_MAX ? run.id : null,
      runNumber: latest.run_number,
      event: latest.event,
      createdAt: attempts[0]!.created_at,
      updatedAt: latest.updated_at,
      checkSuite: self,
    },
  };
  return view;
}

const suites = new WeakMap<ServerData, Map<string, { repo: RepoModel; run: RunModel }>>();

/** `node(id:)` / `nodes(ids:)` for check suites; any other id resolves to null, as an unknown id does. */
export function nodeById(data: ServerData, id: string): unknown {
  let index = suites.get(data);
  if (!index) {
    index = new Map();
    for (const repo of data.repos.values())
      for (const run of repo.runs) {
        const latest = run.attempts[run.attempts.length - 1];
        if (latest) index.set(suiteNodeId(latest), { repo, run });
      }
    suites.set(data, index);
  }
  const hit = index.get(id);
  return hit ? suiteView(hit.repo, hit.run) : null;
}
