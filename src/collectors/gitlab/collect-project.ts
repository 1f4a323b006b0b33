import type { AnyRecordInput } from '../../domain/records.js';
import type { Queryable } from '../../store/store.js';
import type { CollectBatch, CollectContext, CollectOutcome, Prepared } from '../collector.js';
import type { GitLabClient } from './client.js';
import { emptyCursor, parseCursor } from './cursor.js';
import {
  deployments,
  incidents,
  landingCommits,
  mergeRequests,
  pipelines,
  releases,
  type Batches,
  type GitLabSettings,
  type Probe,
  type ProjectContext,
} from './streams.js';

/** One project of a run, with the client and settings the run built once for all of them. */
export interface GitLabProjectTarget {
  project: string;
  defaultBranch: string | null;
  client: GitLabClient;
  settings: GitLabSettings;
}

async function knownPeople(store: Queryable): Promise<Set<string>> {
  return new Set((await store.query<{ login: string }>('select login from people')).map((r) => r.login));
}

/**
 * One project. The first merge-request page doubles as the change probe: it counts pipelines
 * and issues updated since the cursor, so an unchanged project (no merge request, pipeline or
 * issue changed, no deployment unfinished) costs that one request and nothing else is read.
 * Deployments change only through pipelines (a deploy job), so they are read when pipelines did.
 */
export async function* collectProject(
  ctx: CollectContext<GitLabProjectTarget>,
): AsyncGenerator<CollectBatch, CollectOutcome, void> {
  const t = ctx.target;
  const parsed = parseCursor(ctx.cursor, ctx.logger);
  const previous = parsed ?? emptyCursor();
  const p: ProjectContext = {
    client: t.client,
    project: t.project,
    defaultBranch: t.defaultBranch,
    previous,
    first: parsed === null,
    next: structuredClone(previous),
    settings: t.settings,
    logger: ctx.logger,
    landing: new Map(),
  };
  let probe: Probe = { pipelines: null, issues: null };
  const mrs = await mergeRequests(p, await knownPeople(ctx.store), (x) => (probe = x));
  const changed = (n: number | null) => p.first || n === null || n > 0;
  const pipelinesChanged = changed(probe.pipelines) || previous.pending_deployments.length > 0;
  if (
    !p.first &&
    mrs.empty &&
    !pipelinesChanged &&
    !changed(probe.issues) &&
    !t.settings.releasesAsDeployments
  )
    return { cursor: JSON.stringify(previous), facts: { project: t.project, skipped: true, records: 0 } };

  const head: AnyRecordInput[] = [];
  if ((await ctx.store.query('select 1 as x from repos where repo = $1', [t.project])).length === 0)
    head.push({ kind: 'repo', repo: t.project, default_branch: t.defaultBranch ?? 'main' });
  head.push(...mrs.first);
  if (head.length) yield { records: head };
  let records = head.length;
  const streams: Batches[] = [
    mrs.rest,
    landingCommits(p),
    ...(pipelinesChanged ? [pipelines(p), deployments(p)] : []),
    ...(changed(probe.issues) ? [incidents(p)] : []),
    ...(t.settings.releasesAsDeployments ? [releases(p)] : []),
  ];
  for (const stream of streams)
    for await (const batch of stream) {
      records += batch.length;
      ctx.progress({ unit: 'records', done: records });
      yield { records: batch };
    }
  return { cursor: JSON.stringify(p.next), facts: { project: t.project, skipped: false, records } };
}

/** A project as one source of a run: its own `sources` row, `gitlab:<group/project>`. */
export function projectSource(
  project: string,
  defaultBranch: string | null,
  client: GitLabClient,
  settings: GitLabSettings,
): Prepared<GitLabProjectTarget> {
  return { sourceId: `gitlab:${project}`, target: { project, defaultBranch, client, settings } };
}
