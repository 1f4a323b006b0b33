import type { Routes } from './http-kit.js';
import { byTime, listReply, notFound, withRepo } from './http-kit.js';
import type { PullModel, RepoModel, RestIssue } from './model.js';
import { findPull } from './model.js';
import type { RateLimits } from './rate-limit.js';

/** A pull request as the issues API lists it: GitHub's issues include pull requests. */
function pullAsIssue(repo: RepoModel, p: PullModel): RestIssue {
  const r = p.rest;
  return {
    url: `${String(repo.rest.url ?? '')}/issues/${r.number}`,
    id: r.id,
    number: r.number,
    title: r.title,
    user: r.user,
    labels: r.labels,
    state: r.state,
    locked: false,
    comments: p.detail.comments,
    created_at: r.created_at,
    updated_at: r.updated_at,
    closed_at: r.closed_at ?? null,
    draft: r.draft ?? false,
    pull_request: { url: r.url, html_url: r.html_url, merged_at: r.merged_at ?? null },
    body: r.body ?? null,
  };
}

const labelNames = (i: RestIssue) => i.labels.map((l) => (typeof l === 'string' ? l : l.name).toLowerCase());

export function registerRepos(routes: Routes, deps: { maxPerPage: number; limits: RateLimits }): void {
  const { maxPerPage, limits } = deps;
  routes.get(
    '/rate_limit',
    () => {
      const core = limits.state('core');
      const pick = (s: typeof core) => ({
        limit: s.limit,
        used: s.used,
        remaining: s.remaining,
        reset: s.reset,
      });
      return {
        body: {
          resources: {
            core: pick(core),
            graphql: pick(limits.state('graphql')),
            search: pick(limits.state('search')),
          },
          rate: pick(core),
        },
      };
    },
    { resource: null },
  );
  routes.get('/orgs/{org}/repos', (ctx) => {
    const org = (ctx.params.org ?? '').toLowerCase();
    const repos = [...ctx.data.repos.values()].filter((r) => r.owner.toLowerCase() === org);
    if (!repos.length) return notFound();
    const sort = ctx.query.get('sort') ?? 'created';
    const dir = ctx.query.get('direction') ?? (sort === 'full_name' ? 'asc' : 'desc');
    const sorted =
      sort === 'full_name'
        ? [...repos].sort(
            (a, b) => (dir === 'asc' ? 1 : -1) * a.rest.full_name.localeCompare(b.rest.full_name),
          )
        : byTime(
            repos,
            (r) =>
              sort === 'updated'
                ? r.rest.updated_at
                : sort === 'pushed'
                  ? r.rest.pushed_at
                  : r.rest.created_at,
            dir,
          );
    return listReply(
      sorted.map((r) => r.rest),
      ctx,
      maxPerPage,
    );
  });
  routes.get('/installation/repositories', (ctx) => {
    const all = [...ctx.data.repos.values()].map((r) => r.rest);
    const r = listReply(all, ctx, maxPerPage);
    return { ...r, body: { total_count: all.length, repository_selection: 'all', repositories: r.body } };
  });
  routes.get('/repos/{owner}/{repo}', (ctx) => withRepo(ctx, (repo) => ({ body: repo.rest })));
  routes.get('/repos/{owner}/{repo}/releases', (ctx) =>
    withRepo(ctx, (repo) => listReply(repo.releases, ctx, maxPerPage)),
  );
  routes.get('/repos/{owner}/{repo}/tags', (ctx) =>
    withRepo(ctx, (repo) => listReply(repo.tags, ctx, maxPerPage)),
  );
  routes.get('/repos/{owner}/{repo}/issues', (ctx) =>
    withRepo(ctx, (repo) => {
      const state = ctx.query.get('state') ?? 'open';
      const labels = (ctx.query.get('labels') ?? '')
        .split(',')
        .map((l) => l.trim().toLowerCase())
        .filter(Boolean);
      const since = ctx.query.get('since');
      const sinceMs = since ? Date.parse(since) : null;
      const sort = ctx.query.get('sort') ?? 'created';
      const all = [...repo.issues, ...repo.pulls.map((p) => pullAsIssue(repo, p))].filter(
        (i) =>
          (state === 'all' || i.state === state) &&
          labels.every((l) => labelNames(i).includes(l)) &&
          (sinceMs === null || Date.parse(i.updated_at) >= sinceMs),
      );
      const sorted = byTime(
        all,
        (i) => (sort === 'updated' ? i.updated_at : i.created_at),
        ctx.query.get('direction') ?? 'desc',
      );
      return listReply(sorted, ctx, maxPerPage);
    }),
  );
  routes.get('/repos/{owner}/{repo}/issues/{issue_number}/comments', (ctx) =>
    withRepo(ctx, (repo) => {
      const n = Number(ctx.params.issue_number);
      const pull = findPull(repo, n);
      const comments = pull?.issueComments ?? repo.issueComments.get(n);
      if (!comments && !repo.issues.some((i) => i.number === n)) return notFound();
      return listReply(comments ?? [], ctx, maxPerPage);
    }),
  );
}
