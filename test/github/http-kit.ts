import type { RepoModel, ServerData } from './model.js';
import { repoOf } from './model.js';
import type { Resource } from './rate-limit.js';

export const DOCS = 'https://docs.github.com/rest';

/** What a route answers; the server adds auth, faults, rate-limit headers, ETags and statistics. */
export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Points charged to the route's resource (GraphQL's computed cost); REST is 1. */
  cost?: number;
}

export interface RouteCtx {
  params: Record<string, string>;
  query: URLSearchParams;
  url: URL;
  body: unknown;
  data: ServerData;
}

export type Auth = 'token' | 'jwt' | 'none';
export type Handler = (ctx: RouteCtx) => Reply | Promise<Reply>;

export interface Route {
  method: 'GET' | 'POST';
  /** GitHub's own template, e.g. "/repos/{owner}/{repo}/pulls": also the statistics key. */
  template: string;
  resource: Resource | null;
  auth: Auth;
  handler: Handler;
}

/** Collects routes; the server mounts them at "/" and at "/api/v3" (Enterprise Server). */
export class Routes {
  readonly list: Route[] = [];

  get(template: string, handler: Handler, opts: { resource?: Resource | null; auth?: Auth } = {}): void {
    this.list.push({
      method: 'GET',
      template,
      resource: opts.resource === undefined ? 'core' : opts.resource,
      auth: opts.auth ?? 'token',
      handler,
    });
  }

  post(template: string, handler: Handler, opts: { resource?: Resource | null; auth?: Auth } = {}): void {
    this.list.push({
      method: 'POST',
      template,
      resource: opts.resource === undefined ? 'core' : opts.resource,
      auth: opts.auth ?? 'token',
      handler,
    });
  }
}

export const message = (status: number, text: string, extra: Record<string, unknown> = {}): Reply => ({
  status,
  body: { message: text, documentation_url: DOCS, ...extra },
});
export const notFound = (): Reply => message(404, 'Not Found');

/** The repository a "/repos/{owner}/{repo}/..." route names, or GitHub's 404. */
export function withRepo(ctx: RouteCtx, f: (repo: RepoModel) => Reply): Reply {
  const repo = repoOf(ctx.data, ctx.params.owner ?? '', ctx.params.repo ?? '');
  return repo ? f(repo) : notFound();
}

/** `per_page` (default 30, at most `maxPerPage`) and `page`, with GitHub's Link header. */
export function paginate<T>(
  items: readonly T[],
  ctx: RouteCtx,
  maxPerPage: number,
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Number(ctx.query.get('per_page')) || 30, 1), maxPerPage);
  const page = Math.max(Number(ctx.query.get('page')) || 1, 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const u = new URL(ctx.url);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(n));
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  const headers: Record<string, string> = links.length ? { link: links.join(', ') } : {};
  return { page: items.slice((page - 1) * perPage, page * perPage), headers };
}

export function listReply<T>(items: readonly T[], ctx: RouteCtx, maxPerPage: number): Reply {
  const { page, headers } = paginate(items, ctx, maxPerPage);
  return { body: page, headers };
}

/** `sort`/`direction` over ISO times; ties keep the given order. */
export function byTime<T>(
  items: readonly T[],
  at: (t: T) => string | null | undefined,
  direction: string,
): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => sign * ((Date.parse(at(a) ?? '') || 0) - (Date.parse(at(b) ?? '') || 0)));
}
