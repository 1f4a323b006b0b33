import type { AddressInfo } from 'node:net';
import { serve, type HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { DemoOptions } from '../../src/demo/options.js';
import { Authenticator, type AuthOptions } from './auth.js';
import type { DemoQuirks } from './demo-common.js';
import { loadDemo, type DemoGroundTruth } from './demo-source.js';
import { FaultPlan, type Faults } from './faults.js';
import { loadFixtures } from './fixture-source.js';
import { loadSynthetic, type SyntheticOptions } from './synthetic-source.js';
import { handleGraphQL } from './graphql-handler.js';
import { Routes, type Route } from './http-kit.js';
import type { ServerData } from './model.js';
import { runRoute, type PipelineDeps } from './pipeline.js';
import { RateLimits, type RateLimitOptions } from './rate-limit.js';
import { registerActions } from './rest-actions.js';
import { registerAppAndDeployments } from './rest-app.js';
import { registerPulls } from './rest-pulls.js';
import { registerEvents } from './rest-events.js';
import { registerRepos } from './rest-repos.js';
import { emptyStats, snapshot, type ServerStats } from './stats.js';

export interface GitHubServerOptions {
  /**
   * The demo organisation, the recorded fixtures, a large lean organisation built per request
   * from a seed (benchmarks), or nothing (a test fills `server.data`).
   */
  source?: 'demo' | 'fixtures' | 'synthetic' | 'empty';
  demoOptions?: Partial<DemoOptions>;
  syntheticOptions?: SyntheticOptions;
  quirks?: DemoQuirks;
  faults?: Faults;
  /** The largest `per_page` served (GitHub: 100); lower it to make small data span pages. */
  pageSize?: number;
  rateLimit?: RateLimitOptions;
  auth?: AuthOptions;
  /** Results a filtered workflow-run search serves at most (GitHub: 1,000). */
  searchCap?: number;
}

export interface GitHubServer {
  /** REST base URL (Octokit's `baseUrl`); `${url}/api/v3` serves the same, as Enterprise Server. */
  url: string;
  graphqlUrl: string;
  /** Enterprise Server style base: REST here, GraphQL at `${url}/api/graphql`. */
  enterpriseUrl: string;
  /** The model served; editing it changes answers (and their ETags). */
  data: ServerData;
  /** The demo's records and id mappings (null for other sources). */
  truth: DemoGroundTruth | null;
  stats(): ServerStats;
  resetStats(): void;
  setFaults(faults: Faults): void;
  limits: RateLimits;
  stop(): Promise<void>;
}

const honoPath = (template: string) => template.replace(/\{(\w+)\}/g, ':$1');

/** Starts a GitHub-compatible server on 127.0.0.1 and a free port. */
export async function startGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  let stats = emptyStats();
  let faults = new FaultPlan(options.faults);
  let data: ServerData = { repos: new Map() };
  const limits = new RateLimits(options.rateLimit);
  const auth = new Authenticator(options.auth);
  const deps: PipelineDeps = {
    auth,
    limits,
    faults: () => faults,
    stats: () => stats,
    retryAfterSeconds: () => faults.faults.retryAfterSeconds ?? 1,
  };
  const maxPerPage = Math.min(options.pageSize ?? 100, 100);
  const routes = new Routes();
  registerRepos(routes, { maxPerPage, limits });
  registerPulls(routes, { maxPerPage });
  registerActions(routes, { maxPerPage, searchCap: options.searchCap ?? 1_000 });
  registerAppAndDeployments(routes, { maxPerPage, auth });
  registerEvents(routes, { maxPerPage });
  routes.post(
    '/graphql',
    (ctx) => handleGraphQL(ctx.body, { data: () => data, limits, faults: () => faults }),
    { resource: 'graphql' },
  );

  const app = new Hono<{ Bindings: HttpBindings }>();
  const handle = (route: Route) => async (c: Context<{ Bindings: HttpBindings }>) => {
    const url = new URL(c.req.url);
    let body: unknown = undefined;
    if (route.method === 'POST') body = await c.req.json().catch(() => undefined);
    const answer = await runRoute(
      route,
      { params: c.req.param(), query: url.searchParams, url, body, data },
      c.req.raw.headers,
      deps,
    );
    if (answer.hangUp) {
      c.env.incoming.socket.destroy();
      return c.body(null, 500);
    }
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };
  for (const route of routes.list) {
    const paths =
      route.template === '/graphql'
        ? ['/graphql', '/api/graphql']
        : [honoPath(route.template), `/api/v3${honoPath(route.template)}`];
    for (const p of paths) app.on(route.method, p, handle(route));
  }
  app.notFound((c) =>
    c.json({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }, 404),
  );

  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve();
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let truth: DemoGroundTruth | null = null;
  const source = options.source ?? 'demo';
  if (source === 'demo') ({ data, truth } = loadDemo(options.demoOptions ?? {}, options.quirks ?? {}, url));
  else if (source === 'fixtures') data = loadFixtures();
  else if (source === 'synthetic') data = loadSynthetic(options.syntheticOptions ?? {}, url);

  return {
    url,
    graphqlUrl: `${url}/graphql`,
    enterpriseUrl: `${url}/api/v3`,
    get data() {
      return data;
    },
    truth,
    stats: () => snapshot(stats),
    resetStats: () => {
      stats = emptyStats();
    },
    setFaults: (f) => {
      faults = new FaultPlan(f);
    },
    limits,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
