import { z } from 'zod';
import type { AnyRecordInput } from '../../domain/records.js';
import { conditionalGet } from './conditional.js';
import { deploymentFromRelease, isFinalStatus, mapDeployment } from './map-delivery.js';
import { anyMatch } from './normalize.js';
import { restDeployment, restDeploymentStatus, restRelease, type RestDeployment } from './rest-schemas.js';
import { maxIso, type Batches, type RepoContext } from './repo-context.js';

async function statusesOf(ctx: RepoContext, d: RestDeployment) {
  const r = await conditionalGet(
    ctx.octokit,
    'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    { owner: ctx.owner, repo: ctx.name, deployment_id: d.id, per_page: 100 },
    z.array(restDeploymentStatus),
    null,
  );
  return r.notModified ? [] : r.data;
}

/**
 * Deployments API: newest first, down to the cursor; statuses are read for new deployments and
 * for those still unfinished last time (a deployment is final once it succeeded or failed).
 */
export async function* deployments(ctx: RepoContext): Batches {
  const since = ctx.previous.deployments_since ?? ctx.settings.since?.toISOString() ?? null;
  const sinceMs = since ? Date.parse(since) : -Infinity;
  const envOk = anyMatch([ctx.settings.deployEnvironmentPattern]);
  const pending = new Set(ctx.previous.deployments_pending);
  const stillPending: number[] = [];
  for (let page = 1; ; page++) {
    const r = await conditionalGet(
      ctx.octokit,
      'GET /repos/{owner}/{repo}/deployments',
      { owner: ctx.owner, repo: ctx.name, per_page: ctx.settings.pageSize, page },
      z.array(restDeployment),
      page === 1 ? ctx.etags : null,
    );
    // Page 1 unchanged: no new deployment; re-read only the pending ones below.
    if (r.notModified) break;
    const batch: AnyRecordInput[] = [];
    let reachedCursor = false;
    for (const d of r.data) {
      const isNew = Date.parse(d.created_at) >= sinceMs;
      if (!isNew) reachedCursor = true;
      if (!envOk(d.environment) || !(isNew || pending.has(d.id))) continue;
      pending.delete(d.id);
      const statuses = await statusesOf(ctx, d);
      if (!statuses.some(isFinalStatus)) stillPending.push(d.id);
      batch.push(mapDeployment(ctx.repo, d, statuses));
      ctx.next.deployments_since = maxIso(ctx.next.deployments_since, d.created_at);
    }
    if (batch.length) yield batch;
    if (!r.hasNext || (reachedCursor && pending.size === 0)) break;
  }
  // Pending deployments the listing no longer reached (page 1 unchanged): stay pending.
  ctx.next.deployments_pending = [...stillPending, ...pending];
}

/** Opt-in: releases as production deployments, at the commit their tag points at. */
export async function* releases(ctx: RepoContext): Batches {
  const r = await conditionalGet(
    ctx.octokit,
    'GET /repos/{owner}/{repo}/releases',
    { owner: ctx.owner, repo: ctx.name, per_page: 100 },
    z.array(restRelease),
    ctx.etags,
  );
  if (r.notModified) return;
  const tags = await conditionalGet(
    ctx.octokit,
    'GET /repos/{owner}/{repo}/tags',
    { owner: ctx.owner, repo: ctx.name, per_page: 100 },
    z.array(z.object({ name: z.string(), commit: z.object({ sha: z.string() }) })),
    null,
  );
  const shaOf = new Map(tags.notModified ? [] : tags.data.map((t) => [t.name, t.commit.sha]));
  const env = ctx.settings.deployWorkflowEnvironment;
  const batch = r.data
    .filter((x) => !x.draft && !x.prerelease && shaOf.has(x.tag_name))
    .map((x) => deploymentFromRelease(ctx.repo, x, shaOf.get(x.tag_name)!, env));
  if (batch.length) yield batch;
}
