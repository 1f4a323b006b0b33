import { readFileSync } from 'node:fs';
import { buildSchema, graphql } from 'graphql';
import type { MergeRequestModel, PipelineModel, ProjectModel, ServerData, UserModel } from './model.js';

const schema = buildSchema(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** GitLab's connections: `first` (at most 100), opaque `after` cursors. */
function connection<T, V>(items: T[], a: PageArgs, view: (t: T) => V) {
  const start = a.after ? Number(Buffer.from(a.after, 'base64').toString('utf8')) : 0;
  const n = Math.min(a.first ?? 100, 100);
  const slice = items.slice(start, start + n);
  const end = start + slice.length;
  return {
    count: items.length,
    pageInfo: { hasNextPage: end < items.length, endCursor: Buffer.from(String(end)).toString('base64') },
    nodes: slice.map(view),
  };
}

/** GitLab's `updatedAfter` is inclusive. */
const updatedAfter = (at: string | null | undefined, t: string | null | undefined) =>
  !t || (!!at && Date.parse(at) >= Date.parse(t));

const userView = (u: UserModel | null) => (u ? { username: u.username, bot: u.bot === true } : null);

function mrView(m: MergeRequestModel) {
  return {
    iid: String(m.iid),
    title: m.title,
    state: m.state,
    draft: m.draft,
    createdAt: m.created_at,
    updatedAt: m.updated_at,
    mergedAt: m.merged_at,
    closedAt: m.closed_at,
    sourceBranch: m.source_branch,
    targetBranch: m.target_branch,
    diffHeadSha: m.sha,
    mergeCommitSha: m.merge_commit_sha,
    squashCommitSha: m.squash_commit_sha,
    userNotesCount: m.notes.filter((n) => !n.system).length,
    author: userView(m.author),
    labels: { nodes: m.labels.map((title) => ({ title })) },
    diffStatsSummary: {
      additions: m.stats.additions,
      deletions: m.stats.deletions,
      fileCount: m.stats.file_count,
    },
    notes: (a: PageArgs) =>
      connection(m.notes, a, (n) => ({
        id: `gid://gitlab/Note/${n.id}`,
        system: n.system,
        body: n.body,
        createdAt: n.created_at,
        author: userView(n.author),
        position: n.position ? { filePath: n.position.new_path } : null,
      })),
    commits: (a: PageArgs) =>
      connection(m.commits, a, (c) => ({
        sha: c.id,
        authoredDate: c.authored_date,
        committedDate: c.committed_date,
      })),
  };
}

function pipelineView(project: ProjectModel, p: PipelineModel): Record<string, unknown> {
  return {
    id: `gid://gitlab/Ci::Pipeline/${p.id}`,
    iid: String(p.iid),
    sha: p.sha,
    ref: p.ref,
    source: p.source,
    status: p.status.toUpperCase(),
    name: p.name,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    startedAt: p.started_at,
    finishedAt: p.finished_at,
    user: userView(p.user),
    mergeRequest: p.merge_request_iid ? { iid: String(p.merge_request_iid) } : null,
    upstream: p.upstream_id ? { id: `gid://gitlab/Ci::Pipeline/${p.upstream_id}` } : null,
    project: { fullPath: project.path_with_namespace },
    jobs: (a: PageArgs) =>
      connection(p.jobs, a, (j) => ({
        id: `gid://gitlab/${j.kind === 'BRIDGE' ? 'Ci::Bridge' : 'Ci::Build'}/${j.id}`,
        name: j.name,
        kind: j.kind,
        status: j.status.toUpperCase(),
        retried: j.retried,
        allowFailure: j.allow_failure,
        createdAt: j.created_at,
        queuedAt: j.created_at,
        startedAt: j.started_at,
        finishedAt: j.finished_at,
        queuedDuration: j.queued_duration,
        stage: { name: j.stage },
        needs: { nodes: j.needs.map((name) => ({ name })) },
        runner: j.runner,
        downstreamPipeline: j.downstream_pipeline
          ? {
              id: `gid://gitlab/Ci::Pipeline/${j.downstream_pipeline.id}`,
              project: { fullPath: j.downstream_pipeline.project_path },
            }
          : null,
      })),
  };
}

function projectView(p: ProjectModel) {
  return {
    id: `gid://gitlab/Project/${p.id}`,
    fullPath: p.path_with_namespace,
    mergeRequests: (a: PageArgs & { updatedAfter?: string | null; sort?: string | null }) => {
      const list = p.mergeRequests.filter((m) => updatedAfter(m.updated_at, a.updatedAfter));
      const desc = a.sort?.endsWith('_DESC');
      const key = a.sort?.startsWith('CREATED') ? 'created_at' : 'updated_at';
      list.sort((x, y) => (Date.parse(x[key]) - Date.parse(y[key]) || x.iid - y.iid) * (desc ? -1 : 1));
      return connection(list, a, mrView);
    },
    mergeRequest: (a: { iid: string }) => {
      const m = p.mergeRequests.find((x) => String(x.iid) === a.iid);
      return m ? mrView(m) : null;
    },
    pipelines: (a: PageArgs & { updatedAfter?: string | null }) => {
      // GitLab lists pipelines newest first.
      const list = p.pipelines
        .filter((x) => updatedAfter(x.updated_at ?? x.created_at, a.updatedAfter))
        .sort((x, y) => y.id - x.id);
      return connection(list, a, (x) => pipelineView(p, x));
    },
    pipeline: (a: { iid?: string | null }) => {
      const x = p.pipelines.find((y) => String(y.iid) === a.iid);
      return x ? pipelineView(p, x) : null;
    },
    issues: (a: { updatedAfter?: string | null }) => ({
      count: p.issues.filter((i) => updatedAfter(i.updated_at as string, a.updatedAfter)).length,
    }),
  };
}

/**
 * A stand-in for GitLab's query complexity: each connection costs its page size times what
 * one of its nodes costs (nested connections at their own `first`, else 100), plus one.
 */
function complexity(query: string, variables: Record<string, unknown>): number {
  const firsts = [...query.matchAll(/first:\s*(\$?\w+)/g)].map((m) => {
    const v = m[1]!.startsWith('$') ? variables[m[1]!.slice(1)] : Number(m[1]);
    return typeof v === 'number' ? v : 100;
  });
  // Outer page x (1 + the nested pages): the shape of the collector's queries.
  const [outer = 1, ...inner] = firsts;
  return outer * (1 + inner.reduce((a, b) => a + b, 0)) + 1;
}

/** Executes one GraphQL request against the model; errors come back as GitLab's `errors` list. */
export async function handleGraphQL(
  data: ServerData,
  body: unknown,
  maxComplexity = Infinity,
): Promise<unknown> {
  const b = (body ?? {}) as { query?: unknown; variables?: Record<string, unknown> };
  if (typeof b.query !== 'string') return { errors: [{ message: 'No query string was present' }] };
  const cost = complexity(b.query, b.variables ?? {});
  if (cost > maxComplexity)
    return {
      errors: [
        { message: `Query has complexity of ${cost}, which exceeds max complexity of ${maxComplexity}` },
      ],
    };
  return graphql({
    schema,
    source: b.query,
    variableValues: b.variables ?? {},
    rootValue: {
      project: (a: { fullPath: string }) => {
        const p = data.projects.get(a.fullPath.toLowerCase());
        return p ? projectView(p) : null;
      },
    },
  });
}
