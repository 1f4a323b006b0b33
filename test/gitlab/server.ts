import type { AddressInfo } from 'node:net';
import { serve, type HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { DemoOptions } from '../../src/demo/options.js';
import { loadGitLabDemo, type GitLabDemoTruth } from './demo-source.js';
import { loadGitLabFixtures } from './fixture-source.js';
import { handleGraphQL } from './graphql.js';
import { projectOf, type Json, type ProjectModel, type ServerData } from './model.js';

export interface GitLabFaults {
  /** 1-based request ordinals answered 429 with Retry-After. */
  tooManyOn?: number[];
  /** Ordinals answered 500. */
  serverErrorOn?: number[];
  /** Ordinals whose connection is dropped without an answer. */
  hangUpOn?: number[];
  /** From this ordinal on, every connection is dropped (a collection cut off mid-run). */
  hangUpFrom?: number;
  /** Projects (full path) whose every request answers this status. */
  failingProjects?: Record<string, 500 | 404>;
  retryAfterSeconds?: number;
}

export interface GitLabServerOptions {
  source?: 'demo' | 'fixtures' | 'empty';
  demoOptions?: Partial<DemoOptions>;
  faults?: GitLabFaults;
  /** Requests per window before 429s; RateLimit-* headers count down from it. */
  rateLimit?: number;
  /** The rate-limit window in seconds (GitLab.com: 60). */
  rateWindowSeconds?: number;
  /** GraphQL queries above this computed complexity are refused, as GitLab does (gitlab.com: 250). */
  maxComplexity?: number;
}

export interface GitLabServerStats {
  requests: number;
  graphql: number;
  rest: number;
  /** Request counts by kind: "GET /projects/:id/deployments", "POST /api/graphql"... */
  byKind: Record<string, number>;
  /** Requests per project (REST path or GraphQL `fullPath`). */
  byProject: Record<string, number>;
  /** Requests answered 429 because the rate limit was exhausted (not injected ones). */
  limited: number;
}

export interface GitLabServer {
  /** The instance's base URL (`gitlab.base_url`): REST at /api/v4, GraphQL at /api/graphql. */
  url: string;
  data: ServerData;
  truth: GitLabDemoTruth | null;
  stats(): GitLabServerStats;
  resetStats(): void;
  setFaults(f: GitLabFaults): void;
  stop(): Promise<void>;
}

const emptyStats = (): GitLabServerStats => ({
  requests: 0,
  graphql: 0,
  rest: 0,
  byKind: {},
  byProject: {},
  limited: 0,
});

/** Offset pagination with GitLab's Link header and X-Total/X-Next-Page headers. */
function paged(c: Context, url: URL, items: unknown[]): Response {
  const per = Math.min(Number(url.searchParams.get('per_page') ?? 20) || 20, 100);
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const slice = items.slice((page - 1) * per, page * per);
  const headers: Record<string, string> = { 'x-total': String(items.length), 'x-page': String(page) };
  if (page * per < items.length) {
    const next = new URL(url);
    next.searchParams.set('page', String(page + 1));
    headers.link = `<${next.toString()}>; rel="next"`;
    headers['x-next-page'] = String(page + 1);
  }
  return c.json(slice, 200, headers);
}

const at = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : NaN);
const after = (v: unknown, t: string | null) => !t || at(v) >= Date.parse(t);

/** Starts a GitLab-compatible server on 127.0.0.1 and a free port. */
export async function startGitLabServer(options: GitLabServerOptions = {}): Promise<GitLabServer> {
  let stats = emptyStats();
  let faults: GitLabFaults = options.faults ?? {};
  let data: ServerData = { projects: new Map() };
  let truth: GitLabDemoTruth | null = null;
  const limit = options.rateLimit ?? 2000;
  let used = 0;
  const windowMs = (options.rateWindowSeconds ?? 60) * 1000;
  let windowStart = Date.now();
  const app = new Hono<{ Bindings: HttpBindings }>();

  app.use('*', async (c, next) => {
    if (!c.req.header('private-token') && !/^Bearer \S+/.test(c.req.header('authorization') ?? ''))
      return c.json({ message: '401 Unauthorized' }, 401);
    stats.requests++;
    const n = stats.requests;
    const url = new URL(c.req.url);
    const isGraphql = url.pathname === '/api/graphql';
    let project = /\/projects\/([^/]+)/.exec(url.pathname)?.[1];
    let body: unknown;
    if (isGraphql) {
      body = await c.req.json().catch(() => undefined);
      const vars = (body as { variables?: { fullPath?: string } } | undefined)?.variables;
      project = vars?.fullPath;
      stats.graphql++;
    } else stats.rest++;
    // GraphQL requests are told apart by their operation name ("POST /api/graphql MergeRequests").
    const operation = isGraphql
      ? (/^\s*query\s+(\w+)/.exec((body as { query?: string } | undefined)?.query ?? '')?.[1] ?? '')
      : '';
    const kind = isGraphql
      ? `POST /api/graphql${operation ? ` ${operation}` : ''}`
      : `${c.req.method} ${url.pathname
          .replace(/^\/api\/v4/, '')
          .replace(/\/projects\/[^/]+/, '/projects/:id')
          .replace(/\/(\d+)(?=\/|$)/g, '/:n')}`;
    stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
    if (project) {
      const key = decodeURIComponent(project);
      stats.byProject[key] = (stats.byProject[key] ?? 0) + 1;
    }
    c.set('body' as never, body as never);
    if (faults.hangUpOn?.includes(n) || (faults.hangUpFrom !== undefined && n >= faults.hangUpFrom)) {
      c.env.incoming.socket.destroy();
      return c.body(null, 500);
    }
    if (Date.now() - windowStart >= windowMs) {
      windowStart = Date.now();
      used = 0;
    }
    used++;
    const reset = Math.ceil((windowStart + windowMs) / 1000);
    const rl = {
      'ratelimit-limit': String(limit),
      'ratelimit-remaining': String(Math.max(0, limit - used)),
      'ratelimit-reset': String(reset),
      'ratelimit-observed': String(used),
    };
    for (const [k, v] of Object.entries(rl)) c.header(k, v);
    if (used > limit) stats.limited++;
    if (faults.tooManyOn?.includes(n) || used > limit)
      return c.json({ message: 'Retry later' }, 429, {
        'retry-after': String(faults.retryAfterSeconds ?? 1),
      });
    if (faults.serverErrorOn?.includes(n)) return c.json({ message: '500 Internal Server Error' }, 500);
    const failing = project && faults.failingProjects?.[decodeURIComponent(project)];
    if (failing)
      return c.json(
        { message: failing === 404 ? '404 Project Not Found' : '500 Internal Server Error' },
        failing,
      );
    await next();
  });

  app.post('/api/graphql', async (c) =>
    c.json(await handleGraphQL(data, c.get('body' as never), options.maxComplexity)),
  );

  app.get('/api/v4/groups/:group/projects', (c) => {
    const url = new URL(c.req.url);
    const group = decodeURIComponent(c.req.param('group')).toLowerCase();
    const list = [...data.projects.values()]
      .filter((p) => p.path_with_namespace.toLowerCase().startsWith(`${group}/`))
      .filter((p) => url.searchParams.get('archived') !== 'false' || !p.archived)
      .sort((a, b) => a.id - b.id)
      .map((p) => ({
        id: p.id,
        path_with_namespace: p.path_with_namespace,
        default_branch: p.default_branch,
        archived: p.archived,
        last_activity_at: p.last_activity_at,
      }));
    if (url.searchParams.get('pagination') !== 'keyset') return paged(c, url, list);
    // Keyset: `id_after` and a Link header to the next page, as GitLab writes it.
    const per = Math.min(Number(url.searchParams.get('per_page') ?? 20) || 20, 100);
    const from = Number(url.searchParams.get('id_after') ?? 0);
    const slice = list.filter((p) => p.id > from).slice(0, per);
    const more = list.some((p) => p.id > (slice[slice.length - 1]?.id ?? Infinity));
    const headers: Record<string, string> = {};
    if (more) {
      const next = new URL(url);
      next.searchParams.set('id_after', String(slice[slice.length - 1]!.id));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    return c.json(slice, 200, headers);
  });

  const withProject = (fn: (p: ProjectModel, url: URL, c: Context) => Response) => (c: Context) => {
    const p = projectOf(data, c.req.param('id') ?? '');
    if (!p) return c.json({ message: '404 Project Not Found' }, 404);
    return fn(p, new URL(c.req.url), c);
  };

  app.get(
    '/api/v4/projects/:id/repository/commits',
    withProject((p, url, c) => {
      const since = url.searchParams.get('since');
      return paged(
        c,
        url,
        p.commits.filter((x) => after(x.committed_date, since)),
      );
    }),
  );
  const updatedList = (pick: (p: ProjectModel) => Json[]) =>
    withProject((p, url, c) => {
      const t = url.searchParams.get('updated_after');
      const list = pick(p)
        .filter((x) => after(x.updated_at ?? x.created_at, t))
        .sort((a, b) => at(a.updated_at ?? a.created_at) - at(b.updated_at ?? b.created_at));
      if (url.searchParams.get('sort') === 'desc') list.reverse();
      return paged(c, url, list);
    });
  app.get(
    '/api/v4/projects/:id/deployments',
    updatedList((p) => p.deployments),
  );
  app.get(
    '/api/v4/projects/:id/issues',
    updatedList((p) => p.issues),
  );
  app.get(
    '/api/v4/projects/:id/releases',
    withProject((p, url, c) => paged(c, url, p.releases)),
  );

  // REST views of merge requests and pipelines: the one-call-per-sub-resource baseline.
  app.get(
    '/api/v4/projects/:id/merge_requests',
    withProject((p, url, c) =>
      paged(
        c,
        url,
        p.mergeRequests.map(({ notes: _n, commits: _c, approved_by: _a, ...mr }) => mr),
      ),
    ),
  );
  const mr = (fn: (m: ProjectModel['mergeRequests'][number], url: URL, c: Context) => Response) =>
    withProject((p, url, c) => {
      const m = p.mergeRequests.find((x) => String(x.iid) === c.req.param('iid'));
      return m ? fn(m, url, c) : c.json({ message: '404 Not found' }, 404);
    });
  app.get(
    '/api/v4/projects/:id/merge_requests/:iid/approvals',
    mr((m, _u, c) =>
      c.json({ approved: m.approved_by.length > 0, approved_by: m.approved_by.map((user) => ({ user })) }),
    ),
  );
  app.get(
    '/api/v4/projects/:id/merge_requests/:iid/notes',
    mr((m, url, c) => paged(c, url, m.notes)),
  );
  app.get(
    '/api/v4/projects/:id/merge_requests/:iid/commits',
    mr((m, url, c) => paged(c, url, m.commits)),
  );
  app.get(
    '/api/v4/projects/:id/pipelines',
    withProject((p, url, c) =>
      paged(
        c,
        url,
        p.pipelines.map(({ jobs: _j, ...x }) => x),
      ),
    ),
  );
  app.get(
    '/api/v4/projects/:id/pipelines/:pid/jobs',
    withProject((p, url, c) => {
      const pl = p.pipelines.find((x) => String(x.id) === c.req.param('pid'));
      if (!pl) return c.json({ message: '404 Not found' }, 404);
      const all = url.searchParams.get('include_retried') === 'true';
      return paged(
        c,
        url,
        pl.jobs.filter((j) => j.kind === 'BUILD' && (all || !j.retried)).map(({ needs: _n, ...j }) => j),
      );
    }),
  );
  app.notFound((c) => c.json({ message: '404 Not Found' }, 404));

  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve();
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const source = options.source ?? 'demo';
  if (source === 'demo') ({ data, truth } = loadGitLabDemo(options.demoOptions ?? {}));
  else if (source === 'fixtures') data = loadGitLabFixtures();

  return {
    url,
    get data() {
      return data;
    },
    truth,
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = emptyStats();
    },
    setFaults: (f) => {
      faults = f;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
