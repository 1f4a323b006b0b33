import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../../test/helpers/stores.js';
import { ingest } from '../ingest/ingest.js';
import { DuckDbStore } from './duckdb/duckdb-store.js';
import { migrate } from './open.js';

const result = (name: string, extra: Record<string, unknown> = {}) => ({
  kind: 'test_result',
  test_id: `kt-${name}`,
  run_id: 'kt-run',
  attempt: 1,
  suite: 'keyless',
  class_name: 'Keyless',
  name,
  file: 'src/keyless.test.ts',
  branch: 'main',
  status: 'passed',
  duration_ms: 10,
  executed_at: '2026-11-01T10:00:00Z',
  ...extra,
});
const rows = (t: TestStore) =>
  t.store.query<{ name: string; status: string; duration_ms: number; branch: string | null; n: number }>(
    `select name, min(status) as status, min(duration_ms) as duration_ms, min(branch) as branch, count(*) as n
     from test_results where run_id = 'kt-run' group by name order by name`,
  );

/**
 * test_results has no primary key on DuckDB (migration 025: its index held most of a large JUnit
 * load's memory) and keeps one on PostgreSQL. Upserts and loads must not tell the difference.
 */
describe.each(ENGINES)('test_results upserts by natural key on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
  });
  afterAll(async () => t?.cleanup());

  it('updates the row of a key written again, and keeps what a later write left out', async () => {
    await ingest(t.store, [result('a'), result('b')]);
    await ingest(t.store, [result('a', { status: 'failed', duration_ms: 30 })]);
    // A source that does not know the branch leaves it out: the stored one stays.
    const { branch: _omitted, ...noBranch } = result('b', { duration_ms: 20 });
    await ingest(t.store, [noBranch]);
    expect(await rows(t)).toEqual([
      { name: 'a', status: 'failed', duration_ms: 30, branch: 'main', n: 1 },
      { name: 'b', status: 'passed', duration_ms: 20, branch: 'main', n: 1 },
    ]);
  });

  it('lands a load whose batches repeat a key as one row per key, the last write winning', async () => {
    await t.store.load(async (w) => {
      await ingest(w, [result('c', { duration_ms: 1 }), result('a', { duration_ms: 2 })]);
      await ingest(w, [result('c', { duration_ms: 3, status: 'skipped' })]);
    });
    expect((await rows(t)).map((r) => [r.name, r.status, r.duration_ms, r.n])).toEqual([
      ['a', 'passed', 2, 1],
      ['b', 'passed', 20, 1],
      ['c', 'skipped', 3, 1],
    ]);
  });

  it('writes nothing of a load that fails', async () => {
    const before = await rows(t);
    await expect(
      t.store.load(async (w) => {
        await ingest(w, [result('d'), result('a', { duration_ms: 99 })]);
        throw new Error('the report broke off');
      }),
    ).rejects.toThrow('the report broke off');
    expect(await rows(t)).toEqual(before);
  });
});

describe('test_results on DuckDB', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pitwall-keyless-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migration 025 keeps the rows and the not-null columns of a store made with the primary key', async () => {
    const store = await DuckDbStore.open({ path: join(dir, 'old.duckdb') });
    try {
      await migrate(store);
      // The table as 001 made it, with a row, and 025 not yet applied.
      await store.transaction(async (tx) => {
        await tx.query('drop table test_results');
        await tx.query(`create table test_results (
          test_id text not null, run_id text not null, attempt integer not null, repo text,
          suite text not null, class_name text not null, name text not null, file text, sha text,
          branch text, status text not null, duration_ms double precision not null,
          retries integer not null, executed_at timestamp not null, primary key (run_id, test_id, attempt))`);
        await tx.query('delete from schema_migrations where version >= 25');
      });
      await ingest(store, [result('old')]);
      expect(await migrate(store)).toContain(25);
      const keys = await store.query(
        `select 1 from duckdb_constraints() where table_name = 'test_results' and constraint_type = 'PRIMARY KEY'`,
      );
      expect(keys).toEqual([]);
      expect(await store.query(`select name, status from test_results`)).toEqual([
        { name: 'old', status: 'passed' },
      ]);
      await expect(
        store.query(`insert into test_results (test_id, run_id, attempt, suite, class_name, name, status, duration_ms, retries, executed_at)
          values (null, 'r', 1, '', '', 'n', 'passed', 0, 0, timestamp '2026-01-01')`),
      ).rejects.toThrow(/NOT NULL/i);
    } finally {
      await store.close();
    }
  });

  it('runs a load under its memory budget and gives the store its own limit back after', async () => {
    const store = await DuckDbStore.open({
      path: join(dir, 'budget.duckdb'),
      memoryLimit: '2GB',
      loadMemoryLimit: '32MB',
    });
    try {
      await migrate(store);
      const limit = async () =>
        (await store.query<{ l: string }>(`select current_setting('memory_limit') as l`))[0]!.l;
      const own = await limit();
      let during = '';
      await store.load(async (w) => {
        await ingest(w, [result('budget')]);
        during = await limit();
      });
      expect(during).toBe('30.5 MiB'); // 32 MB
      expect(await limit()).toBe(own);
    } finally {
      await store.close();
    }
  });

  it('runs a merge that needs more than the load budget again under a larger limit, landing every row', async () => {
    const store = await DuckDbStore.open({
      path: join(dir, 'retry.duckdb'),
      memoryLimit: '2GB',
      loadMemoryLimit: '16MB',
    });
    const many = (status: string) =>
      Array.from({ length: 60_000 }, (_, i) => result(`m${String(i).padStart(5, '0')}`, { status }));
    const loadAll = (status: string) =>
      store.load(async (w) => {
        const all = many(status);
        for (let i = 0; i < all.length; i += 10_000) await ingest(w, all.slice(i, i + 10_000));
      });
    try {
      await migrate(store);
      const own = (await store.query<{ l: string }>(`select current_setting('memory_limit') as l`))[0]!.l;
      await loadAll('passed');
      // The second load replaces every row: its delete joins 60,000 staged keys with 60,000 stored.
      await loadAll('failed');
      expect(
        await store.query(
          `select status, count(*) as n from test_results where run_id = 'kt-run' group by status`,
        ),
      ).toEqual([{ status: 'failed', n: 60_000 }]);
      expect((await store.query<{ l: string }>(`select current_setting('memory_limit') as l`))[0]!.l).toBe(
        own,
      );
      // The same merge under the budget alone runs out of memory: the retry was needed.
      await store.query(`create table kt_stage as select * from test_results`);
      await store.query(`set memory_limit = '16MB'`);
      await expect(
        store.transaction(async (tx) => {
          await tx.query(
            `delete from test_results using kt_stage s where test_results.run_id = s.run_id and test_results.test_id = s.test_id and test_results.attempt = s.attempt`,
          );
          await tx.query(`insert into test_results select * from kt_stage`);
        }),
      ).rejects.toThrow(/memory|pin block|allocate/i);
    } finally {
      await store.close();
    }
  });
});
