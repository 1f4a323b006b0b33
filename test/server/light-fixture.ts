import type { Config } from '../../src/config/schema.js';
import { buildApp } from '../../src/server/app.js';
import { createContext } from '../../src/server/server.js';
import type { ServerContext } from '../../src/server/context.js';
import type { Store } from '../../src/store/store.js';
import { testConfig } from '../helpers/collect-git.js';
import { openTestStore, type Engine } from '../helpers/stores.js';
import { silent } from './setup.js';

/** An empty store behind the app, with one token of every scope: for tests that need no demo data. */
export interface LightFixture {
  store: Store;
  ctx: ServerContext;
  app: ReturnType<typeof buildApp>;
  token: string;
  config: Config;
  cleanup(): Promise<void>;
}

export async function lightFixture(
  engine: Engine,
  opts: { config?: Record<string, unknown>; webRoot?: string } = {},
): Promise<LightFixture> {
  const t = await openTestStore(engine);
  const config = testConfig(opts.config);
  const ctx = createContext({
    store: t.store,
    config,
    logger: silent,
    clock: () => new Date('2025-03-01T00:00:00Z'),
    webRoot: opts.webRoot ?? null,
  });
  const app = buildApp(ctx, { anonymousRead: false, bodyLimitBytes: 2 * 1024 * 1024 });
  const token = (await ctx.tokens.create('all', ['ingest', 'read', 'admin'])).token;
  return {
    store: t.store,
    ctx,
    app,
    token,
    config,
    async cleanup() {
      await ctx.enrich.flush();
      await t.cleanup();
    },
  };
}

/** Row counts of every table of the store, in one statement: "changes nothing" is checked against these. */
export async function allRowCounts(store: Store): Promise<Record<string, number>> {
  const tables = await store.query<{ name: string }>(
    `select table_name as name from information_schema.tables
     where table_schema in ('main', 'public') and table_type = 'BASE TABLE' order by table_name`,
  );
  const names = tables.map((t) => t.name).filter((n) => /^[a-z_0-9]+$/.test(n));
  const [row] = await store.query<Record<string, number>>(
    `select ${names.map((n) => `(select count(*) from ${n}) as ${n}`).join(', ')}`,
  );
  return Object.fromEntries(names.map((n) => [n, Number(row![n])]));
}
