import { DuckDbStore } from './duckdb/duckdb-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { MIGRATIONS_TABLE, loadMigrations } from './migrate.js';
import type { Store } from './store.js';

export interface StoreConfig {
  /** PostgreSQL URL; when set it wins over the DuckDB file. */
  databaseUrl?: string | null;
  /** DuckDB file path (default .pitwall/pitwall.duckdb). */
  duckdbPath?: string;
  duckdbMemoryLimit?: string;
  /** DuckDB's memory_limit while a load runs (default DEFAULT_LOAD_MEMORY_LIMIT). */
  duckdbLoadMemoryLimit?: string;
}

export const DEFAULT_DUCKDB_PATH = '.pitwall/pitwall.duckdb';

/** Opens the configured store and brings its schema up to date. */
export async function openStore(cfg: StoreConfig = {}): Promise<Store> {
  const store = cfg.databaseUrl
    ? await PostgresStore.open(cfg.databaseUrl)
    : await DuckDbStore.open({
        path: cfg.duckdbPath ?? DEFAULT_DUCKDB_PATH,
        memoryLimit: cfg.duckdbMemoryLimit,
        loadMemoryLimit: cfg.duckdbLoadMemoryLimit,
      });
  try {
    await migrate(store);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

/** Applies the numbered migrations not yet applied, each in its own transaction. */
export async function migrate(store: Store): Promise<number[]> {
  await store.query(MIGRATIONS_TABLE);
  const done = new Set(
    (await store.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version),
  );
  const applied: number[] = [];
  for (const m of loadMigrations()) {
    if (done.has(m.version)) continue;
    await store.transaction(async (tx) => {
      for (const s of m.statements) if (appliesTo(s, store.kind)) await tx.query(s);
      await tx.query(
        'insert into schema_migrations (version, name, applied_at) values ($1, $2, $3::timestamp)',
        [m.version, m.name, new Date()],
      );
    });
    applied.push(m.version);
  }
  return applied;
}

/**
 * A statement marked `/* postgres only *\/` (indexes DuckDB does not use, see 006) or
 * `/* duckdb only *\/` (see 025) runs only there; everything else runs on both engines.
 */
export function appliesTo(statement: string, engine: Store['kind']): boolean {
  const only = /^\/\* (postgres|duckdb) only \*\//.exec(statement)?.[1];
  return !only || only === engine;
}
