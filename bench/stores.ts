import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openStore } from '../src/store/open.js';
import type { Store } from '../src/store/store.js';

export type BenchEngine = 'duckdb' | 'postgres';

let adminUrl: string | null = null;
let made = 0;

/** The test cluster's URL, started by scripts/postgres-up.sh on first use. */
export function postgresAdminUrl(): string {
  adminUrl ??= execFileSync('bash', [fileURLToPath(new URL('../scripts/postgres-up.sh', import.meta.url))], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  return adminUrl;
}

async function onAdmin(sql: string): Promise<void> {
  const c = new pg.Client(postgresAdminUrl());
  await c.connect();
  await c.query(sql).finally(() => c.end());
}

/** A new, empty PostgreSQL database for one measurement (for a child process: its URL). */
export async function freshPostgresDatabase(
  label: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `pitwall_bench_${label}_${process.pid}_${made++}`;
  await onAdmin(`create database ${name}`);
  return {
    url: postgresAdminUrl().replace(/\/[^/?]+(\?|$)/, `/${name}$1`),
    drop: () => onAdmin(`drop database if exists ${name} with (force)`),
  };
}

/** A fresh, migrated store of the engine, and how to close and remove it. */
export async function freshBenchStore(
  engine: BenchEngine,
  label: string,
): Promise<{ store: Store; done: () => Promise<void> }> {
  if (engine === 'postgres') {
    const db = await freshPostgresDatabase(label);
    const store = await openStore({ databaseUrl: db.url });
    return { store, done: async () => (await store.close(), await db.drop()) };
  }
  const dir = mkdtempSync(join(tmpdir(), `pitwall-bench-${label}-`));
  const store = await openStore({ duckdbPath: join(dir, 'b.duckdb') });
  return { store, done: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
}
