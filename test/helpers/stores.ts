import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';

export const ENGINES = ['duckdb', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

export interface TestStore {
  store: Store;
  /** What to hand to openStore (or set in the environment) to reach the same store again. */
  config: { duckdbPath?: string; databaseUrl?: string };
  cleanup(): Promise<void>;
}

/**
 * How a PostgreSQL database differs from the test cluster's defaults (C collation, UTC), to
 * prove results do not depend on settings real servers often have.
 */
export interface PostgresSettings {
  /** An ICU locale for the database's default collation, e.g. 'en-US-u-ka-shifted'. */
  icuLocale?: string;
  /** The database's session time zone, e.g. 'Pacific/Auckland'. */
  timeZone?: string;
  /** The database's DateStyle, e.g. 'SQL, DMY'. */
  dateStyle?: string;
}

const TEST_DUCKDB_MEMORY = '6GB';

/** A fresh, migrated store: a DuckDB file in a temp dir, or a new PostgreSQL database. */
export async function openTestStore(engine: Engine, settings: PostgresSettings = {}): Promise<TestStore> {
  if (engine === 'duckdb') {
    const dir = mkdtempSync(join(tmpdir(), 'pitwall-test-'));
    const duckdbPath = join(dir, 'test.duckdb');
    // Two test workers share the machine: DuckDB's default (80% of memory per store) lets two
    // heavy reads at once exhaust it, and the kernel then kills a worker mid-file.
    const store = await openStore({ duckdbPath, duckdbMemoryLimit: TEST_DUCKDB_MEMORY });
    return {
      store,
      config: { duckdbPath },
      async cleanup() {
        await store.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const admin = inject('postgresUrl');
  const name = `pitwall_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const c = new pg.Client(admin);
  await c.connect();
  // DDL takes no bind parameters: accept only plain locale and zone names.
  for (const v of [settings.icuLocale, settings.timeZone, settings.dateStyle])
    if (v !== undefined && !/^[A-Za-z0-9_/+, -]+$/.test(v)) throw new Error(`unsafe PostgreSQL setting ${v}`);
  const locale = settings.icuLocale
    ? ` template template0 locale_provider icu icu_locale '${settings.icuLocale}' locale 'C.UTF-8'`
    : '';
  await c.query(`create database ${name}${locale}`);
  // Set before the store connects, so every session of its pool starts in that zone.
  if (settings.timeZone) await c.query(`alter database ${name} set timezone to '${settings.timeZone}'`);
  if (settings.dateStyle) await c.query(`alter database ${name} set datestyle to '${settings.dateStyle}'`);
  await c.end();
  const databaseUrl = admin.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);
  const store = await openStore({ databaseUrl });
  return {
    store,
    config: { databaseUrl },
    async cleanup() {
      await store.close().catch(() => undefined);
      const c2 = new pg.Client(admin);
      await c2.connect();
      try {
        // An autovacuum worker (a superuser process our role may not terminate) can be busy in the
        // fresh database for a moment: retry, then leave the database for the next cluster reset.
        for (let attempt = 1; ; attempt++) {
          try {
            await c2.query(`drop database if exists ${name} with (force)`);
            break;
          } catch (e) {
            if (attempt >= 20) {
              console.warn(`test database ${name} left behind: ${(e as Error).message}`);
              break;
            }
            await new Promise((r) => setTimeout(r, 250));
          }
        }
      } finally {
        await c2.end();
      }
    },
  };
}

/** The environment a CLI process (or `pitwall serve`) needs to open the same store. */
export function storeEnv(t: TestStore): Record<string, string> {
  return t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : { PITWALL_DB: t.config.duckdbPath! };
}

/** One query on the store, opened for it and closed after: while a CLI process holds it between. */
export async function queryOnce<T extends object>(t: TestStore, sql: string): Promise<T[]> {
  const s = await openStore(t.config);
  try {
    return await s.query<T>(sql);
  } finally {
    await s.close();
  }
}
