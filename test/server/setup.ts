import { pino } from 'pino';
import { createDemo } from '../../src/demo/generate.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingestBatches } from '../../src/ingest/ingest.js';
import type { Config } from '../../src/config/schema.js';
import { buildApp } from '../../src/server/app.js';
import { createContext } from '../../src/server/server.js';
import type { ServerContext } from '../../src/server/context.js';
import { testConfig } from '../helpers/collect-git.js';
import { openTestStore, type Engine, type TestStore } from '../helpers/stores.js';

/** The small demo organisation every server test reads: 16 developers × 30 days ending here. */
export const DEMO_END = new Date('2025-03-01T00:00:00Z');
export const WINDOW = { from: '2025-02-01T00:00:00.000Z', to: '2025-03-01T00:00:00.000Z' };
export const silent = pino({ level: 'silent' });

export interface ServerFixture {
  t: TestStore;
  ctx: ServerContext;
  app: ReturnType<typeof buildApp>;
  tokens: { read: string; ingest: string; admin: string };
  config: Config;
}

export async function serverFixture(
  engine: Engine,
  opts: { anonymousRead?: boolean; config?: Record<string, unknown>; bodyLimitBytes?: number } = {},
): Promise<ServerFixture> {
  const t = await openTestStore(engine);
  const config = testConfig(opts.config);
  await ingestBatches(
    t.store,
    createDemo({ developers: 16, days: 30, seed: 7, end: DEMO_END }).batches(10_000),
  );
  await ensureFresh(t.store, config);
  const ctx = createContext({
    store: t.store,
    config,
    logger: silent,
    clock: () => DEMO_END,
  });
  const app = buildApp(ctx, {
    anonymousRead: opts.anonymousRead ?? false,
    bodyLimitBytes: opts.bodyLimitBytes ?? 5 * 1024 * 1024,
  });
  const tokens = {
    read: (await ctx.tokens.create('reader', ['read'])).token,
    ingest: (await ctx.tokens.create('cd', ['ingest'])).token,
    admin: (await ctx.tokens.create('root', ['admin'])).token,
  };
  return { t, ctx, app, tokens, config };
}

/** Row counts of every table a request could write: "changes nothing" is checked against these. */
export async function tableCounts(f: ServerFixture): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [
    'commits',
    'deployments',
    'incidents',
    'pipeline_runs',
    'pipeline_jobs',
    'pull_requests',
    'reviews',
    'api_tokens',
    'sources',
  ])
    out[table] = Number((await f.t.store.query<{ n: number }>(`select count(*) as n from ${table}`))[0]!.n);
  return out;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** JSON of a Hono response as plain data (dates as ISO strings), to compare with compute(). */
export const asJson = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));

/**
 * JSON with every number rounded to 12 significant digits: a parallel aggregate may add the same
 * values in another order and differ in the last bits, which is not a difference in the answer.
 */
export const asRoundedJson = <T>(v: T): unknown =>
  JSON.parse(JSON.stringify(v), (_k, x: unknown) => (typeof x === 'number' ? Number(x.toPrecision(12)) : x));
