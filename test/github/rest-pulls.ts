import type { RouteCtx, Routes } from './http-kit.js';
import { byTime, listReply, notFound, withRepo } from './http-kit.js';
import type { PullModel, RepoModel, RestCommit } from './model.js';
import { findPull } from './model.js';
import type { Reply } from './http-kit.js';

function withPull(ctx: RouteCtx, f: (pull: PullModel, repo: RepoModel) => Reply): Reply {
  return withRepo(ctx, (repo) => {
    const n = Number(ctx.params.pull_number);
    const pull = findPull(repo, n);
    return pull ? f(pull, repo) : notFound();
  });
}

/** The PR commits list has no stats or files: GitHub shows those only on `GET /commits/{sha}`. */
function listCommit(c: RestCommit): RestCommit {
  const { stats: _stats, files: _files, ...rest } = c;
  return rest as RestCommit;
}

export function registerPulls(routes: Routes, deps: { maxPerPage: number }): void {
  const { maxPerPage } = deps;
  routes.get('/repos/{owner}/{repo}/pulls', (ctx) =>
    withRepo(ctx, (repo) => {
      const state = ctx.query.get('state') ?? 'open';
      const base = ctx.query.get('base');
      const sort = ctx.query.get('sort') ?? 'created';
      const pulls = repo.pulls
        .map((p) => p.rest)
        .filter((p) => (state === 'all' || p.state === state) && (!base || p.base.ref === base));
      const sorted = byTime(
        pulls,
        (p) => (sort === 'updated' ? p.updated_at : p.created_at),
        ctx.query.get('direction') ?? 'desc',
      );
      return listReply(sorted, ctx, maxPerPage);
    }),
  );
  routes.get('/repos/{owner}/{repo}/pulls/{pull_number}', (ctx) =>
    withPull(ctx, (p) => ({
      body: {
        ...p.rest,
        merged: !!p.rest.merged_at,
        commits: p.commits.length,
        ...p.detail,
      },
    })),
  );
  routes.get('/repos/{owner}/{repo}/pulls/{pull_number}/reviews', (ctx) =>
    withPull(ctx, (p) => listReply(p.reviews, ctx, maxPerPage)),
  );
  routes.get('/repos/{owner}/{repo}/pulls/{pull_number}/comments', (ctx) =>
    withPull(ctx, (p) => listReply(p.reviewComments, ctx, maxPerPage)),
  );
  // GitHub lists at most 250 commits of a pull request.
  routes.get('/repos/{owner}/{repo}/pulls/{pull_number}/commits', (ctx) =>
    withPull(ctx, (p) => listReply(p.commits.slice(0, 250).map(listCommit), ctx, maxPerPage)),
  );
}
