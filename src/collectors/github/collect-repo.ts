import { z } from 'zod';
import type { AnyRecordInput } from '../../domain/records.js';
import type { Queryable } from '../../store/store.js';
import type { CollectBatch, CollectContext, CollectOutcome, Prepared } from '../collector.js';
import { workflowRuns } from './actions.js';
import type { GitHubClient } from './client.js';
import { conditionalGet } from './conditional.js';
import { emptyCursor, parseCursor, serializeCursor, type GitHubCursor } from './cursor.js';
import { deployments, releases } from './deployments.js';
import { incidents } from './incidents.js';
import { pullRequests } from './pull-requests.js';
import type { Batches, GitHubSettings, RepoContext } from './repo-context.js';

/** One repository of a run, with the client and settings the run built once for all of them. */
export interface GitHubRepoTarget {
  repo: string;
  owner: string;
  name: string;
  defaultBranch: string | null;
  client: GitHubClient;
  settings: GitHubSettings;
}

async function knownPeople(store: Queryable): Promise<Set<string>> {
  return new Set((await store.query<{ login: string }>('select login from people')).map((r) => r.login));
}

const hasUnfinished = (c: GitHubCursor) =>
  c.deployments_pending.length > 0 ||
  Object.values(c.runs_seen).some((s) => (s.split('|')[2] ?? '').toLowerCase() !== 'completed');

/**
 * One conditional request (the repository's Events API feed, newest event only) that changes
 * whenever the repository sees a push, a PR, a review, a comment, an issue or a release. A 304
 * with nothing left unfinished and a recent full read means the repository is skipped: one free
 * request instead of one per stream. Workflow re-runs, scheduled runs and deployment statuses
 * are not events on GitHub, which is why unfinished runs or deployments force a read and
 * `sweep_minutes` bounds how stale a skipped repository can get.
 */
async function unchanged(ctx: RepoContext): Promise<boolean> {
  try {
    const r = await conditionalGet(
      ctx.octokit,
      'GET /repos/{owner}/{repo}/events',
      { owner: ctx.owner, repo: ctx.name, per_page: 1 },
      z.array(z.unknown()),
      ctx.etags,
    );
    const sweptAt = ctx.previous.swept_at ? Date.parse(ctx.previous.swept_at) : 0;
    return (
      r.notModified &&
      !ctx.first &&
      !hasUnfinished(ctx.previous) &&
      Date.now() - sweptAt < ctx.settings.sweepMinutes * 60_000
    );
  } catch (e) {
    // A server without the events feed only loses the shortcut.
    ctx.logger.debug(
      { err: e instanceof Error ? e.message : String(e) },
      'no events feed; reading every stream',
    );
    return false;
  }
}

/**
 * One repository: a change probe first (an unchanged repository costs one free 304), then every
 * stream (PRs, runs and jobs, deployments, incidents, releases) as record batches.
 */
export async function* collectRepo(
  ctx: CollectContext<GitHubRepoTarget>,
): AsyncGenerator<CollectBatch, CollectOutcome, void> {
  const t = ctx.target;
  const parsed = parseCursor(ctx.cursor, ctx.logger);
  const previous = parsed ?? emptyCursor();
  const repoCtx: RepoContext = {
    octokit: t.client.octokit,
    store: ctx.store,
    owner: t.owner,
    name: t.name,
    repo: t.repo,
    defaultBranch: t.defaultBranch,
    previous,
    first: parsed === null,
    next: { ...structuredClone(previous), etags: {} },
    etags: { old: previous.etags, next: {} },
    settings: t.settings,
    logger: ctx.logger,
  };
  if (await unchanged(repoCtx)) {
    return {
      cursor: serializeCursor({ ...previous, etags: { ...previous.etags, ...repoCtx.etags.next } }),
      facts: { repo: t.repo, skipped: true, records: 0 },
    };
  }
  const head: AnyRecordInput[] = [];
  if ((await ctx.store.query('select 1 as x from repos where repo = $1', [t.repo])).length === 0)
    head.push({ kind: 'repo', repo: t.repo, default_branch: t.defaultBranch ?? 'main' });
  if (head.length) yield { records: head };
  const streams: Batches[] = [
    pullRequests(repoCtx, await knownPeople(ctx.store)),
    workflowRuns(repoCtx),
    deployments(repoCtx),
    incidents(repoCtx),
    ...(t.settings.releasesAsDeployments ? [releases(repoCtx)] : []),
  ];
  let records = 0;
  for (const stream of streams)
    for await (const batch of stream) {
      records += batch.length;
      ctx.progress({ unit: 'records', done: records });
      yield { records: batch };
    }
  repoCtx.next.swept_at = new Date().toISOString();
  repoCtx.next.etags = repoCtx.etags.next;
  return { cursor: serializeCursor(repoCtx.next), facts: { repo: t.repo, skipped: false, records } };
}

/** A repository as one source of a run: its own `sources` row, `github:<owner/name>`. */
export function repoSource(
  repo: string,
  defaultBranch: string | null,
  client: GitHubClient,
  settings: GitHubSettings,
): Prepared<GitHubRepoTarget> {
  const [owner = '', name = ''] = repo.split('/');
  return { sourceId: `github:${repo}`, target: { repo, owner, name, defaultBranch, client, settings } };
}
