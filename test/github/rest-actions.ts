import type { Reply, RouteCtx, Routes } from './http-kit.js';
import { message, notFound, paginate, withRepo } from './http-kit.js';
import type { RepoModel, RestRun, RunModel } from './model.js';
import { findRun } from './model.js';

/** GitHub's `created` qualifier: `>=D`, `>D`, `<=D`, `<D`, `D..D` or one day `D`. */
export function createdFilter(q: string | null): ((iso: string) => boolean) | null {
  if (!q) return null;
  const t = (s: string, endOfDay = false) => {
    const ms = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
    return endOfDay && s.length === 10 ? ms + 86_400_000 - 1 : ms;
  };
  const range = /^(.+)\.\.(.+)$/.exec(q);
  if (range) {
    const [from, to] = [t(range[1]!), t(range[2]!, true)];
    return (iso) => Date.parse(iso) >= from && Date.parse(iso) <= to;
  }
  const cmp = /^(>=|<=|>|<)(.+)$/.exec(q);
  if (cmp) {
    const op = cmp[1]!;
    const v = t(cmp[2]!, op === '<=' || op === '>');
    return (iso) => {
      const x = Date.parse(iso);
      return op === '>=' ? x >= v : op === '>' ? x > v : op === '<=' ? x <= v : x < v;
    };
  }
  const [from, to] = [t(q), t(q, true)];
  return (iso) => Date.parse(iso) >= from && Date.parse(iso) <= to;
}

const latest = (r: RunModel): RestRun | undefined => r.attempts[r.attempts.length - 1];
const SEARCH_PARAMS = ['actor', 'branch', 'check_suite_id', 'created', 'event', 'head_sha', 'status'];

function withRun(ctx: RouteCtx, f: (run: RunModel, repo: RepoModel) => Reply): Reply {
  return withRepo(ctx, (repo) => {
    const id = Number(ctx.params.run_id);
    const run = findRun(repo, id);
    return run ? f(run, repo) : notFound();
  });
}

function jobsReply(ctx: RouteCtx, jobs: RunModel['jobs'], maxPerPage: number): Reply {
  const { page, headers } = paginate(jobs, ctx, maxPerPage);
  return { body: { total_count: jobs.length, jobs: page }, headers };
}

export function registerActions(routes: Routes, deps: { maxPerPage: number; searchCap: number }): void {
  const { maxPerPage, searchCap } = deps;
  routes.get('/repos/{owner}/{repo}/actions/runs', (ctx) =>
    withRepo(ctx, (repo) => {
      const q = ctx.query;
      let created: ReturnType<typeof createdFilter>;
      try {
        created = createdFilter(q.get('created'));
      } catch {
        return message(422, 'Validation Failed');
      }
      const status = q.get('status');
      const runs = repo.runs
        .map(latest)
        .filter((r): r is RestRun => !!r)
        .filter(
          (r) =>
            (!created || created(r.created_at)) &&
            (!q.get('branch') || r.head_branch === q.get('branch')) &&
            (!q.get('event') || r.event === q.get('event')) &&
            (!q.get('head_sha') || r.head_sha === q.get('head_sha')) &&
            (!q.get('actor') || r.actor?.login === q.get('actor')) &&
            (!status || r.status === status || r.conclusion === status),
        )
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
      // GitHub serves at most 1,000 results of a filtered search; total_count still tells the truth.
      const capped = SEARCH_PARAMS.some((p) => q.has(p)) ? runs.slice(0, searchCap) : runs;
      const { page, headers } = paginate(capped, ctx, maxPerPage);
      const out =
        q.get('exclude_pull_requests') === 'true' ? page.map((r) => ({ ...r, pull_requests: [] })) : page;
      return { body: { total_count: runs.length, workflow_runs: out }, headers };
    }),
  );
  routes.get('/repos/{owner}/{repo}/actions/runs/{run_id}', (ctx) =>
    withRun(ctx, (run) => {
      const r = latest(run);
      return r ? { body: r } : notFound();
    }),
  );
  routes.get('/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}', (ctx) =>
    withRun(ctx, (run) => {
      const a = run.attempts.find((x) => x.run_attempt === Number(ctx.params.attempt_number));
      return a ? { body: a } : notFound();
    }),
  );
  routes.get('/repos/{owner}/{repo}/actions/runs/{run_id}/jobs', (ctx) =>
    withRun(ctx, (run) => {
      const filter = ctx.query.get('filter') ?? 'latest';
      if (filter !== 'latest' && filter !== 'all') return message(422, 'Validation Failed');
      const top = Math.max(0, ...run.jobs.map((j) => j.run_attempt));
      return jobsReply(
        ctx,
        filter === 'all' ? run.jobs : run.jobs.filter((j) => j.run_attempt === top),
        maxPerPage,
      );
    }),
  );
  routes.get('/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs', (ctx) =>
    withRun(ctx, (run) => {
      const n = Number(ctx.params.attempt_number);
      if (run.attempts.length && !run.attempts.some((a) => a.run_attempt === n)) return notFound();
      return jobsReply(
        ctx,
        run.jobs.filter((j) => j.run_attempt === n),
        maxPerPage,
      );
    }),
  );
}
