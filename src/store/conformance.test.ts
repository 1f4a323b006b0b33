import { enrichSteps } from '../enrich/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../../test/helpers/stores.js';
import { recordKinds } from '../domain/records.js';
import { ingest } from '../ingest/ingest.js';
import { appliesTo } from './open.js';

/** One suite, every engine: the same SQL must give the same answers on DuckDB and PostgreSQL. */
describe.each(ENGINES)('store conformance on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
  });
  afterAll(async () => t?.cleanup());

  it('creates every table a record kind writes, with exactly its columns', async () => {
    for (const k of Object.values(recordKinds)) {
      const cols = await t.store.query<{ column_name: string }>(
        `select column_name from information_schema.columns where table_name = $1 order by column_name`,
        [k.table],
      );
      // A source table's other columns are the ones enrichment steps declare they derive.
      const derived = enrichSteps
        .flatMap((s) => s.writes)
        .filter((w) => w.startsWith(`${k.table}.`))
        .map((w) => w.slice(k.table.length + 1));
      expect(cols.map((c) => c.column_name)).toEqual([...k.columns, ...derived].sort());
    }
  });

  it('reads values back as plain JS: numbers, UTC Dates, booleans, null', async () => {
    const [row] = await t.store.query(
      `select cast(2 as bigint) as n, 1.5 as d, cast('2024-03-01 10:20:30.5' as timestamp) as ts, true as b, null as z,
              cast(count(*) as bigint) as c, extract(epoch from (cast('2024-01-02' as timestamp) - cast('2024-01-01' as timestamp))) as e
       from (select 1 as x) q`,
    );
    expect(row).toEqual({
      n: 2,
      d: 1.5,
      ts: new Date('2024-03-01T10:20:30.500Z'),
      b: true,
      z: null,
      c: 1,
      e: 86400,
    });
  });

  it('binds instants and numbers as parameters the same way', async () => {
    const [row] = await t.store.query(`select $1::timestamp as t, $2 + 1 as n, $3 as s`, [
      new Date('2024-05-06T07:08:09.010Z'),
      41,
      'x',
    ]);
    expect(row).toEqual({ t: new Date('2024-05-06T07:08:09.010Z'), n: 42, s: 'x' });
  });

  it('upserts by natural key: the same record twice is one row; a newer version updates it', async () => {
    const person = { kind: 'person', login: 'ada', team: 'core', is_bot: false };
    await ingest(t.store, [person]);
    await ingest(t.store, [person]);
    await ingest(t.store, [{ ...person, team: 'platform', email: 'ADA@Example.com' }]);
    const rows = await t.store.query(`select login, team, email from people where login = 'ada'`);
    expect(rows).toEqual([{ login: 'ada', team: 'platform', email: 'ada@example.com' }]);
  });

  it('computes window percentiles, date_trunc weeks and filtered aggregates identically', async () => {
    const base = Date.parse('2024-01-01T00:00:00Z'); // a Monday
    const records = Array.from({ length: 20 }, (_, i) => ({
      kind: 'commit',
      repo: 'acme/api',
      sha: (i + 1).toString(16).padStart(40, '0'),
      author: i % 2 ? 'ada' : 'bob',
      authored_at: new Date(base + i * 86_400_000).toISOString(),
      committed_at: new Date(base + i * 86_400_000).toISOString(),
      additions: i * 10,
    }));
    await ingest(t.store, records);
    const rows = await t.store.query(
      `select date_trunc('week', committed_at) as week, count(*) as n,
              percentile_cont(0.5) within group (order by additions) as p50,
              count(*) filter (where author = 'ada') as ada
       from commits where committed_at >= $1::timestamp and committed_at < $2::timestamp
       group by 1 order by 1`,
      [new Date(base), new Date(base + 14 * 86_400_000)],
    );
    expect(rows).toEqual([
      { week: new Date('2024-01-01T00:00:00Z'), n: 7, p50: 30, ada: 3 },
      { week: new Date('2024-01-08T00:00:00Z'), n: 7, p50: 100, ada: 4 },
    ]);
  });

  it('rolls a failed transaction back completely', async () => {
    await expect(
      t.store.transaction(async (tx) => {
        await tx.query(`insert into teams (team, name, parent) values ('t1', 'T1', null)`);
        await tx.query(`insert into no_such_table values (1)`);
      }),
    ).rejects.toThrow();
    expect(await t.store.query(`select * from teams where team = 't1'`)).toEqual([]);
  });
});

describe.each(ENGINES)('engine-specific migration statements on %s', (engine) => {
  it('applies the PostgreSQL-only indexes on PostgreSQL and skips them on DuckDB', async () => {
    const t = await openTestStore(engine);
    try {
      const sql =
        engine === 'postgres'
          ? `select count(*) as n from pg_indexes where indexname = 'test_results_executed_brin'`
          : `select count(*) as n from duckdb_indexes() where index_name = 'test_results_executed_brin'`;
      const [row] = await t.store.query<{ n: number }>(sql);
      expect(row!.n).toBe(engine === 'postgres' ? 1 : 0);
      expect(appliesTo('/* postgres only */ create index x on y (z)', engine)).toBe(engine === 'postgres');
      expect(appliesTo('/* duckdb only */ drop table q', engine)).toBe(engine === 'duckdb');
      expect(appliesTo('create table q (a int)', engine)).toBe(true);
    } finally {
      await t.cleanup();
    }
  });
});
