import type { AnyRecordInput } from '../../domain/records.js';
import type { CollectorLogger } from '../collector.js';
import type { GitLabClient } from './client.js';
import { maxIso, type GitLabCursor } from './cursor.js';
import {
  MERGE_REQUESTS_QUERY,
  MORE_JOBS_QUERY,
  MORE_NOTES_QUERY,
  PIPELINES_QUERY,
  mergeRequestsResponse,
  moreJobsResponse,
  moreNotesResponse,
  pipelinesResponse,
  type JobNode,
  type MrNode,
  type NoteNode,
} from './graphql.js';
import {
  deploymentFromRelease,
  isIncident,
  landingSha,
  mapDeployment,
  mapIncident,
  mapLandingCommit,
  mapMergeRequest,
  mapPipeline,
  peopleOfMrs,
  type RestCommit,
  type RestDeployment,
  type RestIssue,
  type RestRelease,
} from './map.js';

/** Rules from config (`gitlab:`, and `github:`'s environment pattern) and the command line. */
export interface GitLabSettings {
  deployEnvironmentPattern: string;
  releasesAsDeployments: boolean;
  releaseEnvironment: string;
  incidentLabels: string[];
  since: Date | null;
  mrPageSize: number;
  pipelinePageSize: number;
}

/** Everything one project's collection needs; `next` is the cursor being built. */
export interface ProjectContext {
  client: GitLabClient;
  /** group/subgroup/name */
  project: string;
  defaultBranch: string | null;
  previous: GitLabCursor;
  first: boolean;
  next: GitLabCursor;
  settings: GitLabSettings;
  logger: CollectorLogger;
  /** Landing shas of merge requests read in this run -> their number and changed files. */
  landing: Map<string, { number: number; files: number; mergedAt: string | null }>;
}

export type Batches = AsyncGenerator<AnyRecordInput[], void, void>;

const encoded = (project: string) => encodeURIComponent(project);
/**
 * GitLab's `updated_after` is inclusive (updated_at >= t): asking from 1 ms past the cursor
 * keeps an unchanged project's answer empty instead of re-reading its latest item.
 */
const since = (ctx: ProjectContext, cursor: string | null) =>
  cursor ? new Date(Date.parse(cursor) + 1).toISOString() : (ctx.settings.since?.toISOString() ?? null);

function parsed<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  raw: unknown,
  what: string,
): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  throw new Error(`unexpected GitLab ${what}: ${i.path.map(String).join('.') || '(body)'}: ${i.message}`);
}

/**
 * GitLab refuses a query whose computed complexity passes its limit (250 on gitlab.com; an
 * instance may set another). The page is asked again at half the size, down to one item, and
 * the smaller size is kept for the rest of the run (the settings are the run's own).
 */
async function sizedPage<T>(
  ctx: ProjectContext,
  key: 'mrPageSize' | 'pipelinePageSize',
  fetchPage: (first: number) => Promise<T>,
): Promise<T> {
  for (;;) {
    try {
      return await fetchPage(ctx.settings[key]);
    } catch (e) {
      const tooComplex = e instanceof Error && /complexity/i.test(e.message);
      if (!tooComplex || ctx.settings[key] <= 1) throw e;
      ctx.settings[key] = Math.max(1, Math.floor(ctx.settings[key] / 2));
      ctx.logger.info(
        { project: ctx.project, [key]: ctx.settings[key] },
        'query too complex for GitLab; smaller pages',
      );
    }
  }
}

/** What changed since the cursor besides merge requests, as the first page's probe counted it. */
export interface Probe {
  pipelines: number | null;
  issues: number | null;
}

async function allNotes(ctx: ProjectContext, mr: MrNode): Promise<NoteNode[]> {
  const out = [...mr.notes.nodes];
  let page = mr.notes.pageInfo;
  while (page.hasNextPage) {
    const raw = await ctx.client.graphql(MORE_NOTES_QUERY, {
      fullPath: ctx.project,
      iid: mr.iid,
      after: page.endCursor ?? null,
    });
    const conn = parsed(moreNotesResponse, raw, 'notes page').project?.mergeRequest?.notes;
    if (!conn) break;
    out.push(...conn.nodes);
    page = conn.pageInfo;
  }
  return out;
}

/**
 * Merge requests updated since the cursor, oldest update first, with their notes and commits:
 * one GraphQL request per page. The first page also counts changed pipelines and issues
 * (`probe`), so a project where nothing changed costs this one request.
 */
export async function mergeRequests(
  ctx: ProjectContext,
  knownPeople: Set<string>,
  probe: (p: Probe) => void,
): Promise<{ first: AnyRecordInput[]; rest: Batches; empty: boolean }> {
  const updatedAfter = since(ctx, ctx.previous.mrs_updated_at);
  const page = async (after: string | null, withProbe: boolean) => {
    const raw = await sizedPage(ctx, 'mrPageSize', (first) =>
      ctx.client.graphql(MERGE_REQUESTS_QUERY, {
        fullPath: ctx.project,
        updatedAfter,
        after,
        first,
        probe: withProbe,
        pipelinesAfter: since(ctx, ctx.previous.pipelines_updated_at),
        issuesAfter: since(ctx, ctx.previous.issues_updated_at),
      }),
    );
    const project = parsed(mergeRequestsResponse, raw, 'merge requests page').project;
    if (!project) throw new Error(`project ${ctx.project} not found (or the token cannot read it)`);
    if (withProbe)
      probe({ pipelines: project.pipelines?.count ?? null, issues: project.issues?.count ?? null });
    return project.mergeRequests;
  };
  const toRecords = async (nodes: MrNode[]) => {
    const withNotes = [];
    for (const mr of nodes) withNotes.push({ mr, notes: await allNotes(ctx, mr) });
    const batch: AnyRecordInput[] = [];
    for (const [login, isBot] of peopleOfMrs(withNotes))
      if (!knownPeople.has(login)) {
        knownPeople.add(login);
        batch.push({ kind: 'person', login, is_bot: isBot });
      }
    for (const { mr, notes } of withNotes) {
      batch.push(...mapMergeRequest(ctx.project, mr, notes));
      ctx.next.mrs_updated_at = maxIso(ctx.next.mrs_updated_at, mr.updatedAt);
      const sha = landingSha(mr);
      if (sha)
        ctx.landing.set(sha, {
          number: Number(mr.iid),
          files: mr.diffStatsSummary?.fileCount ?? 0,
          mergedAt: mr.mergedAt ?? null,
        });
    }
    return batch;
  };
  const firstPage = await page(null, !ctx.first);
  const first = await toRecords(firstPage.nodes);
  async function* rest(): Batches {
    let info = firstPage.pageInfo;
    while (info.hasNextPage) {
      const conn = await page(info.endCursor ?? null, false);
      const batch = await toRecords(conn.nodes);
      if (batch.length) yield batch;
      info = conn.pageInfo;
    }
  }
  return { first, rest: rest(), empty: firstPage.nodes.length === 0 };
}

/**
 * The landing commits of the merge requests merged in this run, from the default branch's
 * first-parent history (one REST request per 100 commits): merge commits, or squash commits
 * of fast-forward merges. Read newest first, back to the earliest merge of the run.
 */
export async function* landingCommits(ctx: ProjectContext): Batches {
  const wanted = new Map(ctx.landing);
  if (wanted.size === 0) return;
  const earliest = [...wanted.values()]
    .map((w) => (w.mergedAt ? Date.parse(w.mergedAt) : NaN))
    .filter(Number.isFinite);
  const from = earliest.length ? new Date(Math.min(...earliest) - 86_400_000).toISOString() : undefined;
  let next: string | null = `/projects/${encoded(ctx.project)}/repository/commits`;
  let query: Record<string, string | number | boolean | undefined> = {
    ref_name: ctx.defaultBranch ?? undefined,
    since: from,
    first_parent: true,
    with_stats: true,
    per_page: 100,
  };
  while (next && wanted.size) {
    const page: { data: RestCommit[]; next: string | null } = await ctx.client.get<RestCommit[]>(next, query);
    const batch: AnyRecordInput[] = [];
    for (const c of page.data) {
      const mr = wanted.get(c.id);
      if (!mr) continue;
      wanted.delete(c.id);
      batch.push(mapLandingCommit(ctx.project, c, mr));
    }
    if (batch.length) yield batch;
    next = page.next;
    query = {};
  }
}

async function allJobs(
  ctx: ProjectContext,
  iid: string,
  first:
    | { nodes: JobNode[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null | undefined } }
    | null
    | undefined,
): Promise<JobNode[]> {
  const out = [...(first?.nodes ?? [])];
  let info = first?.pageInfo;
  while (info?.hasNextPage) {
    const raw = await ctx.client.graphql(MORE_JOBS_QUERY, {
      fullPath: ctx.project,
      iid,
      after: info.endCursor ?? null,
    });
    const conn = parsed(moreJobsResponse, raw, 'jobs page').project?.pipeline?.jobs;
    if (!conn) break;
    out.push(...conn.nodes);
    info = conn.pageInfo;
  }
  return out;
}

/**
 * Pipelines updated since the cursor with every job (retried ones too), `needs`, stages,
 * queue time and bridges: one GraphQL request per page of pipelines. A retry, a finished
 * pipeline or a new child pipeline all move a pipeline's `updatedAt`, so no look-back is needed.
 */
export async function* pipelines(ctx: ProjectContext): Batches {
  const updatedAfter = since(ctx, ctx.previous.pipelines_updated_at);
  let after: string | null = null;
  for (;;) {
    const raw: unknown = await sizedPage(ctx, 'pipelinePageSize', (first) =>
      ctx.client.graphql(PIPELINES_QUERY, { fullPath: ctx.project, updatedAfter, after, first }),
    );
    const conn = parsed(pipelinesResponse, raw, 'pipelines page').project?.pipelines;
    if (!conn) throw new Error(`project ${ctx.project} not found (or the token cannot read it)`);
    const batch: AnyRecordInput[] = [];
    for (const p of conn.nodes) {
      const mapped = mapPipeline(ctx.project, p, await allJobs(ctx, p.iid, p.jobs));
      batch.push(...mapped.runs, ...mapped.jobs);
      ctx.next.pipelines_updated_at = maxIso(ctx.next.pipelines_updated_at, p.updatedAt ?? p.createdAt);
    }
    if (batch.length) yield batch;
    if (!conn.pageInfo.hasNextPage) return;
    after = conn.pageInfo.endCursor ?? null;
  }
}

async function* restList<T>(
  ctx: ProjectContext,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
): AsyncGenerator<T[], void, void> {
  let next: string | null = path;
  let q = query;
  while (next) {
    const page: { data: T[]; next: string | null } = await ctx.client.get<T[]>(next, q);
    yield page.data;
    next = page.next;
    q = {};
  }
}

/** Deployments updated since the cursor (REST, oldest first), to production-like environments. */
export async function* deployments(ctx: ProjectContext): Batches {
  const env = new RegExp(ctx.settings.deployEnvironmentPattern, 'i');
  const pending = new Set<number>();
  const after = since(ctx, ctx.previous.deployments_updated_at);
  // Unfinished deployments are re-read from their creation on; GitLab moves updated_at when they finish.
  for await (const page of restList<RestDeployment>(ctx, `/projects/${encoded(ctx.project)}/deployments`, {
    updated_after: after ?? undefined,
    order_by: 'updated_at',
    sort: 'asc',
    per_page: 100,
  })) {
    const batch: AnyRecordInput[] = [];
    for (const d of page) {
      ctx.next.deployments_updated_at = maxIso(ctx.next.deployments_updated_at, d.updated_at ?? d.created_at);
      if (!env.test(d.environment.name)) continue;
      const rec = mapDeployment(ctx.project, d);
      if (!rec) continue;
      if (rec.status === 'in_progress') pending.add(d.id);
      batch.push(rec);
    }
    if (batch.length) yield batch;
  }
  ctx.next.pending_deployments = [...pending];
}

/** Issues updated since the cursor: those of type incident, or with an incident label. */
export async function* incidents(ctx: ProjectContext): Batches {
  const after = since(ctx, ctx.previous.issues_updated_at);
  for await (const page of restList<RestIssue & { updated_at: string }>(
    ctx,
    `/projects/${encoded(ctx.project)}/issues`,
    {
      updated_after: after ?? undefined,
      order_by: 'updated_at',
      sort: 'asc',
      scope: 'all',
      per_page: 100,
    },
  )) {
    const batch: AnyRecordInput[] = [];
    for (const i of page) {
      ctx.next.issues_updated_at = maxIso(ctx.next.issues_updated_at, i.updated_at);
      if (isIncident(i, ctx.settings.incidentLabels)) batch.push(mapIncident(ctx.project, i));
    }
    if (batch.length) yield batch;
  }
}

/** Opt-in: releases as production deployments of their tag's commit. */
export async function* releases(ctx: ProjectContext): Batches {
  for await (const page of restList<RestRelease>(ctx, `/projects/${encoded(ctx.project)}/releases`, {
    per_page: 100,
  })) {
    const batch = page
      .map((r) => deploymentFromRelease(ctx.project, r, ctx.settings.releaseEnvironment))
      .filter((r): r is NonNullable<typeof r> => r !== null);
    if (batch.length) yield batch;
  }
}
