import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportParquet } from '../../src/export/parquet-export.js';
import { MANIFEST_FILE, readManifest } from '../../src/export/manifest.js';
import { ingest } from '../../src/ingest/ingest.js';
import { openStore } from '../../src/store/open.js';
import type { SqlValue, Store } from '../../src/store/store.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, storeEnv, type TestStore } from '../helpers/stores.js';
import { dayStart, seedWarehouse } from './fixtures.js';

const DAY = 86_400_000;
const TABLES = ['metric_points', 'spans', 'commands', 'repos'];

/** Every file under `dir` with its size and mtime: what a re-run must leave exactly as it was. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== MANIFEST_FILE) out[relative(dir, p)] = `${statSync(p).size}@${statSync(p).mtimeMs}`;
    }
  };
  walk(dir);
  return out;
}

/** A value as both readers and the store agree to compare it: instants as epoch ms, bigints as numbers. */
function norm(v: unknown): unknown {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'bigint') return Number(v);
  if (v === undefined) return null;
  if (v !== null && typeof v === 'object' && 'micros' in v)
    return Number((v as { micros: bigint }).micros / 1000n);
  return v;
}

function normRows(rows: Record<string, unknown>[], columns: string[], key: string[]): unknown[][] {
  return rows
    .map((r) => columns.map((c) => norm(r[c])))
    .sort((a, b) => {
      for (const k of key) {
        const i = columns.indexOf(k);
        const x = a[i] as string | number;
        const y = b[i] as string | number;
        if (x < y) return -1;
        if (x > y) return 1;
      }
      return 0;
    });
}

const KEYS: Record<string, string[]> = {
  metric_points: ['name', 'occurred_at', 'tags'],
  spans: ['span_id'],
  commands: ['id'],
  repos: ['repo'],
};

async function storeRows(store: Store, table: string): Promise<{ columns: string[]; rows: unknown[][] }> {
  const rows = await store.query(`select * from ${table}`);
  const cols = await store.query<{ column_name: string }>(
    `select column_name from information_schema.columns where table_schema = current_schema() and table_name = $1 order by ordinal_position`,
    [table],
  );
  const columns = cols.map((c) => c.column_name);
  return { columns, rows: normRows(rows, columns, KEYS[table]!) };
}

async function duckdbRead(
  dir: string,
  table: string,
  partitioned: boolean,
): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const glob = partitioned ? `${dir}/${table}/*/*.parquet` : `${dir}/${table}/*.parquet`;
    const r = await c.runAndReadAll(`select * from read_parquet('${glob}', hive_partitioning = true)`);
    return r.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** The second, independent reader: hyparquet (pure JS), file by file, with the partition from the path. */
async function hyparquetRead(
  dir: string,
  table: string,
): Promise<{ rows: Record<string, unknown>[]; dates: string[] }> {
  const rows: Record<string, unknown>[] = [];
  const dates: string[] = [];
  const walk = async (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.parquet')) {
        const part = /date=([^/]+)/.exec(p)?.[1];
        const got = await parquetReadObjects({ file: await asyncBufferFromFile(p) });
        for (const r of got) {
          rows.push(r);
          if (part) dates.push(part);
        }
      }
    }
  };
  await walk(join(dir, table));
  return { rows, dates };
}

for (const engine of ENGINES) {
  describe(`export parquet (${engine})`, () => {
    let ts: TestStore;
    let dir: string;
    const end = dayStart(new Date());
    beforeAll(async () => {
      ts = await openTestStore(engine);
      await seedWarehouse(ts.store, end, 4);
      dir = mkdtempSync(join(tmpdir(), 'pitwall-parquet-'));
    });
    afterAll(async () => {
      await ts.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('writes Hive partitions by day that DuckDB and hyparquet read back equal to the warehouse', async () => {
      const summary = await exportParquet(ts.store, { dir, tables: TABLES, pageRows: 37 });
      const mp = summary.tables.find((t) => t.table === 'metric_points')!;
      expect(mp).toMatchObject({ partitionBy: 'occurred_at', written: 4, skipped: 0 });
      expect(readdirSync(join(dir, 'metric_points')).sort()).toEqual(
        [4, 3, 2, 1].map((d) => `date=${new Date(end.getTime() - d * DAY).toISOString().slice(0, 10)}`),
      );
      // A table with no event timestamp is one partition, in the table's folder.
      expect(readdirSync(join(dir, 'repos')).every((f) => /^part-\d+-[0-9a-f]{12}\.parquet$/.test(f))).toBe(
        true,
      );
      for (const table of TABLES) {
        const want = await storeRows(ts.store, table);
        expect(want.rows.length).toBeGreaterThan(0);
        const partitioned = table !== 'repos';
        const viaDuck = await duckdbRead(dir, table, partitioned);
        expect(normRows(viaDuck, want.columns, KEYS[table]!)).toEqual(want.rows);
        const viaHy = await hyparquetRead(dir, table);
        expect(normRows(viaHy.rows, want.columns, KEYS[table]!)).toEqual(want.rows);
        if (partitioned) {
          // The partition a row sits in is its own event day (DuckDB adds `date` from the path).
          const col = table === 'metric_points' ? 'occurred_at' : 'started_at';
          for (const r of viaDuck)
            expect(new Date(r.date as Date).toISOString().slice(0, 10)).toBe(
              new Date(norm(r[col]) as number).toISOString().slice(0, 10),
            );
        }
      }
      const m = readManifest(dir);
      expect(Object.keys(m.tables).sort()).toEqual([...TABLES].sort());
      const rows = Object.values(m.tables.metric_points!.partitions).reduce((n, p) => n + p.rows, 0);
      expect(rows).toBe(4 * 240);
      expect(Object.values(m.tables.metric_points!.partitions).every((p) => p.complete)).toBe(true);
    });

    it('a re-run writes nothing new; a new day or a late row rewrites only its partition', async () => {
      const before = snapshot(dir);
      const again = await exportParquet(ts.store, { dir, tables: TABLES });
      for (const t of again.tables) expect(t.written).toBe(0);
      expect(again.tables.find((t) => t.table === 'metric_points')!.skipped).toBe(4);
      // The one-partition table is re-read, and found unchanged.
      expect(again.tables.find((t) => t.table === 'repos')!.unchanged).toBe(1);
      expect(snapshot(dir)).toEqual(before);

      const late = new Date(end.getTime() - 3 * DAY + 5 * 3_600_000);
      const today = new Date(end.getTime() + 60_000);
      await ingest(ts.store, [
        {
          kind: 'metric_point',
          name: 'ci.queue.depth',
          occurred_at: late.toISOString(),
          value: 42,
          tags: { late: 'yes' },
        },
        {
          kind: 'metric_point',
          name: 'ci.queue.depth',
          occurred_at: today.toISOString(),
          value: 7,
          tags: {},
        },
      ]);
      const third = await exportParquet(ts.store, { dir, tables: ['metric_points'] });
      expect(third.tables[0]).toMatchObject({ written: 2, skipped: 3, rows: 240 + 1 + 1 });
      const after = snapshot(dir);
      const changed = Object.keys(after).filter((f) => before[f] !== after[f]);
      const day = (d: Date) => d.toISOString().slice(0, 10);
      expect(changed.map((f) => f.split('/')[1]).sort()).toEqual(
        [`date=${day(late)}`, `date=${day(today)}`].sort(),
      );
      // Today is not complete: the manifest says so, and the next run reads it again.
      expect(readManifest(dir).tables.metric_points!.partitions[day(today)]!.complete).toBe(false);
      const fourth = await exportParquet(ts.store, { dir, tables: ['metric_points'] });
      expect(fourth.tables[0]).toMatchObject({ written: 0, unchanged: 1, skipped: 4 });
      const want = await storeRows(ts.store, 'metric_points');
      expect(
        normRows(await duckdbRead(dir, 'metric_points', true), want.columns, KEYS.metric_points!),
      ).toEqual(want.rows);
    });

    it('a failure mid-export leaves each partition whole, old or new, and a manifest true to the files', async () => {
      // New rows in two past days, so the run has two partitions to rewrite.
      await ingest(ts.store, [
        {
          kind: 'metric_point',
          name: 'ci.queue.depth',
          occurred_at: new Date(end.getTime() - 4 * DAY + 1000).toISOString(),
          value: 1,
          tags: { x: 'a' },
        },
        {
          kind: 'metric_point',
          name: 'ci.queue.depth',
          occurred_at: new Date(end.getTime() - 2 * DAY + 1000).toISOString(),
          value: 2,
          tags: { x: 'b' },
        },
      ]);
      const before = snapshot(dir);
      const manifest = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
      let writes = 0;
      // The store, failing the second partition's read (what a dropped connection looks like).
      const failing = Object.assign(Object.create(ts.store) as Store, {
        query: (sql: string, params?: readonly SqlValue[]) => {
          if ((/^copy \(/.test(sql) || sql.includes('string_agg')) && ++writes === 2)
            return Promise.reject(new Error('connection lost (injected)'));
          return ts.store.query(sql, params);
        },
      });
      await expect(exportParquet(failing, { dir, tables: ['metric_points'] })).rejects.toThrow(/injected/);
      const after = snapshot(dir);
      // The first rewritten partition is whole and new; the failed one is the old one, untouched.
      const changed = Object.keys(after).filter((f) => before[f] !== after[f]);
      expect(changed.map((f) => f.split('/')[1])).toEqual([
        `date=${new Date(end.getTime() - 4 * DAY).toISOString().slice(0, 10)}`,
      ]);
      expect(
        Object.keys(after).filter((f) =>
          f.includes(new Date(end.getTime() - 2 * DAY).toISOString().slice(0, 10)),
        ),
      ).toEqual(
        Object.keys(before).filter((f) =>
          f.includes(new Date(end.getTime() - 2 * DAY).toISOString().slice(0, 10)),
        ),
      );
      expect(existsSync(join(dir, '.pitwall-tmp'))).toBe(false);
      // The manifest names exactly the files on disk.
      const m = readManifest(dir);
      for (const [day, p] of Object.entries(m.tables.metric_points!.partitions))
        expect(readdirSync(join(dir, 'metric_points', `date=${day}`)).sort()).toEqual([...p.files].sort());
      expect(readFileSync(join(dir, MANIFEST_FILE), 'utf8')).not.toBe(manifest);
      // The next run finishes the job: the warehouse and the export agree again.
      await exportParquet(ts.store, { dir, tables: ['metric_points'] });
      const want = await storeRows(ts.store, 'metric_points');
      expect(
        normRows(await duckdbRead(dir, 'metric_points', true), want.columns, KEYS.metric_points!),
      ).toEqual(want.rows);
    });

    it('rows with no event time go to the null partition, which readers see as a null date', async () => {
      const other = mkdtempSync(join(tmpdir(), 'pitwall-parquet-null-'));
      try {
        const job = {
          kind: 'pipeline_job',
          repo: 'acme/api',
          run_id: 'r1',
          workflow: 'ci',
          name: 'build',
          conclusion: 'success',
        };
        await ingest(ts.store, [
          { ...job, job_id: 'j1', created_at: new Date(end.getTime() - DAY + 5000).toISOString() },
          { ...job, job_id: 'j2' },
        ]);
        const s = await exportParquet(ts.store, { dir: other, tables: ['pipeline_jobs'] });
        expect(s.tables[0]).toMatchObject({ partitionBy: 'created_at', written: 2, rows: 2 });
        expect(readdirSync(join(other, 'pipeline_jobs')).sort()).toEqual([
          `date=${new Date(end.getTime() - DAY).toISOString().slice(0, 10)}`,
          'date=__HIVE_DEFAULT_PARTITION__',
        ]);
        const back = await duckdbRead(other, 'pipeline_jobs', true);
        expect(back.map((r) => [r.job_id, r.date === null]).sort()).toEqual([
          ['j1', false],
          ['j2', true],
        ]);
        const viaHy = await hyparquetRead(other, 'pipeline_jobs');
        expect(viaHy.rows.map((r) => r.job_id).sort()).toEqual(['j1', 'j2']);
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    });

    it('--from/--to-date write only the days they meet; no scratch folder is left', async () => {
      const other = mkdtempSync(join(tmpdir(), 'pitwall-parquet-window-'));
      try {
        const from = new Date(end.getTime() - 3 * DAY + 3_600_000);
        const to = new Date(end.getTime() - 2 * DAY + 3_600_000);
        const s = await exportParquet(ts.store, { dir: other, tables: ['commands'], from, to });
        expect(s.tables[0]!.written).toBe(2);
        expect(readdirSync(join(other, 'commands')).sort()).toEqual([
          `date=${new Date(end.getTime() - 3 * DAY).toISOString().slice(0, 10)}`,
          `date=${new Date(end.getTime() - 2 * DAY).toISOString().slice(0, 10)}`,
        ]);
        expect(readdirSync(other).sort()).toEqual([MANIFEST_FILE, 'commands']);
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    });

    it('through the CLI: written once, then nothing; bad input exits 2 naming the fix and writes nothing', async () => {
      const out = mkdtempSync(join(tmpdir(), 'pitwall-parquet-cli-'));
      const target = join(out, 'lake');
      // The CLI opens the store itself: DuckDB allows one opener of the file at a time.
      await ts.store.close();
      try {
        const env = storeEnv(ts);
        const first = await cli(
          ['export', 'parquet', '--to', target, '--tables', 'spans,commands', '--json'],
          { env },
        );
        expect(first.stderr).toBe('');
        expect(first.code).toBe(0);
        const written = JSON.parse(first.stdout) as { tables: { table: string; written: number }[] };
        expect(written.tables.map((t) => [t.table, t.written])).toEqual([
          ['spans', 4],
          ['commands', 4],
        ]);
        const second = await cli(['export', 'parquet', '--to', target, '--tables', 'spans,commands'], {
          env,
        });
        expect(second.code).toBe(0);
        expect(second.stdout).toMatch(/0 partition\(s\) written/);

        const file = join(out, 'a-file');
        writeFileSync(file, 'x');
        const bad: [string[], RegExp][] = [
          [
            ['--to', join(out, 'new1'), '--tables', 'metric_points,nope'],
            /no exportable table "nope"; use some of .*metric_points/,
          ],
          [['--to', join(out, 'new2'), '--from', '2024-13-01'], /--from "2024-13-01" is not a date/],
          [['--to', join(out, 'new3'), '--to-date', 'yesterday'], /--to-date "yesterday" is not a date/],
          [
            ['--to', join(out, 'new4'), '--from', '2024-05-02', '--to-date', '2024-05-01'],
            /--from .* must be before --to-date/,
          ],
          [['--to', join(file, 'sub')], /a-file is a file, not a folder; give a folder you can write to/],
          [['--tables', 'spans'], /needs --to DIR/],
          [
            ['--to', join(out, 'new5'), '--tables', 'Spans;drop'],
            /--tables .*give table names separated by commas/,
          ],
          [['--to', join(out, 'new6'), '--since', '2024-01-01'], /unknown option '--since'/],
        ];
        for (const [args, message] of bad) {
          const r = await cli(['export', 'parquet', ...args], { env });
          expect(r.code, args.join(' ')).toBe(2);
          expect(r.stderr).toMatch(message);
        }
        expect(readdirSync(out).sort()).toEqual(['a-file', 'lake']);
        expect(existsSync(join(target, 'metric_points'))).toBe(false);
      } finally {
        ts.store = await openStore(ts.config);
        rmSync(out, { recursive: true, force: true });
      }
    });
  });
}
