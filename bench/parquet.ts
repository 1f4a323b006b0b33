import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportParquet } from '../src/export/parquet-export.js';
import type { Store } from '../src/store/store.js';
import { freshBenchStore, type BenchEngine } from './stores.js';
import { fmt, timeIt, type BenchResult } from './harness.js';

/**
 * Parquet export throughput: BENCH_PARQUET_ROWS (default 1,000,000) metric points, 20 series over
 * 30 days, exported by `pitwall export parquet`'s exporter (keyset pages from the store, an
 * in-memory DuckDB as the writer, one Hive partition per day) from each engine of BENCH_ENGINES
 * (duckdb,postgres). Baseline in the same run: DuckDB's own COPY of the same rows from the DuckDB
 * store, to one file and Hive-partitioned by day (PARTITION_BY). MB are Parquet bytes written.
 */
const START = new Date('2026-10-01T00:00:00Z');

function du(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? du(p) : statSync(p).size;
  }
  return n;
}

/** The same rows on either engine, generated in SQL both accept: unique (name, occurred_at). */
async function load(store: Store, rows: number): Promise<void> {
  const series = 20;
  const spacing = Math.floor((30 * 86_400) / (rows / series));
  await store.transaction((tx) =>
    tx.query(
      `insert into metric_points (name, occurred_at, type, value, tags)
       select 'bench.latency.s' || cast(i % ${series} as text),
              $1::timestamp + interval '${spacing} seconds' * cast(floor(i / ${series}.0) as integer),
              'gauge',
              cast(i % 1000 as double precision) / 7,
              '{"host":"h' || cast(i % 7 as text) || '","repo":"acme/api"}'
       from generate_series(0, ${rows - 1}) as g(i)`,
      [START],
    ),
  );
}

function openEngine(engine: string): Promise<{ store: Store; done: () => Promise<void> }> {
  return freshBenchStore(engine as BenchEngine, 'parquet');
}

export async function parquetBench(): Promise<BenchResult> {
  const rows = Number(process.env.BENCH_PARQUET_ROWS ?? 1_000_000);
  const engines = (process.env.BENCH_ENGINES ?? 'duckdb,postgres').split(',');
  const out = mkdtempSync(join(tmpdir(), 'pitwall-bench-parquet-'));
  const lines: string[] = [
    `${rows.toLocaleString('en')} metric points, 20 series, 30 days (the exporter writes each day in key order)`,
  ];
  try {
    // Baseline: DuckDB's own COPY from the DuckDB store, same rows, same run.
    const duck = await openEngine('duckdb');
    let baseMs: number;
    let basePartMs: number;
    let dataMb = 0;
    try {
      await load(duck.store, rows);
      const file = join(out, 'copy.parquet');
      const one = await timeIt(() =>
        duck.store.query(
          `copy (select * from metric_points order by name, occurred_at, tags) to '${file}' (format parquet, compression snappy)`,
        ),
      );
      baseMs = one.ms;
      const parted = join(out, 'copy-partitioned');
      const part = await timeIt(() =>
        duck.store.query(
          `copy (select *, strftime(occurred_at, '%Y-%m-%d') as date from metric_points) to '${parted}' (format parquet, compression snappy, partition_by (date))`,
        ),
      );
      basePartMs = part.ms;
      const mb = statSync(file).size / 1e6;
      const mbPart = du(parted) / 1e6;
      const [size] = await duck.store.query<{ b: number }>(
        'select sum(strlen(name) + strlen(type) + strlen(tags) + 16) as b from metric_points',
      );
      dataMb = Number(size!.b) / 1e6;
      lines.push(
        `row data: ${fmt(dataMb)} MB (text bytes + 8 per number and instant)`,
        `baseline DuckDB COPY to one file, in key order:      ${fmt(one.ms / 1000, 2)} s, ${fmt(dataMb / (one.ms / 1000))} MB/s of row data (${fmt(mb)} MB Parquet)`,
        `baseline DuckDB COPY PARTITION_BY day, unordered:   ${fmt(part.ms / 1000, 2)} s, ${fmt(dataMb / (part.ms / 1000))} MB/s of row data (${fmt(mbPart)} MB Parquet)`,
      );
      if (engines.includes('duckdb')) {
        await exporterRun('duckdb', duck.store, false);
        await exporterRun('duckdb', duck.store, true);
      }
    } finally {
      await duck.done();
    }
    for (const engine of engines) {
      if (engine === 'duckdb') continue;
      const e = await openEngine(engine);
      try {
        await load(e.store, rows);
        await exporterRun(engine, e.store, true);
      } finally {
        await e.done();
      }
    }

    async function exporterRun(engine: string, store: Store, pagesOnly: boolean) {
      const dir = join(out, `export-${engine}-${pagesOnly}`);
      const how =
        engine === 'duckdb' && !pagesOnly ? 'its own COPY per day' : 'CSV pages, in-memory DuckDB writer';
      const first = await timeIt(() => exportParquet(store, { dir, tables: ['metric_points'], pagesOnly }));
      const t = first.value.tables[0]!;
      const mb = t.bytes / 1e6;
      const rerun = await timeIt(() => exportParquet(store, { dir, tables: ['metric_points'] }));
      lines.push(
        `pitwall export parquet from ${engine} (${how}):`,
        `  ${fmt(first.ms / 1000, 2)} s, ${fmt(dataMb / (first.ms / 1000))} MB/s of row data, ${fmt(mb / (first.ms / 1000), 2)} MB/s of Parquet (${fmt(mb)} MB, ${t.written} partitions, ${Math.round(t.rows / (first.ms / 1000)).toLocaleString('en')} rows/s)`,
        `  ratio to DuckDB COPY one file (key order): ${fmt(first.ms / baseMs, 2)}x the time; to COPY PARTITION_BY: ${fmt(first.ms / basePartMs, 2)}x`,
        `  re-run (nothing new): ${fmt(rerun.ms / 1000, 2)} s, ${rerun.value.tables[0]!.written} partitions written, ${rerun.value.tables[0]!.skipped} skipped`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return { name: 'parquet export', lines };
}
