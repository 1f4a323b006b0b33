/**
 * One engine's load-and-report run, in its own process so its peak RSS is its own.
 * argv: mode (generate|load) engine developers days [pgUrl] [first]; prints one JSON line.
 * `first`: how many records are loaded and enriched before the rest of the stream (in time
 * order, so the rest is the latest days) is appended and enriched again: the cost of enriching
 * an append.
 */
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { createDemo } from '../src/demo/generate.js';
import { ensureFresh } from '../src/enrich/index.js';
import { ingestBatches, prepareWrites } from '../src/ingest/ingest.js';
import { registryFor } from '../src/metrics/definitions/index.js';
import { buildReport } from '../src/report/build.js';
import { openStore } from '../src/store/open.js';
import { percentile } from './harness.js';

const [mode, engine, developers, days, pgUrl, first] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string?,
  string?,
];
const END = new Date('2026-11-02T00:00:00Z');
const options = { developers: Number(developers), days: Number(days), seed: 42, end: END };
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

if (mode === 'generate') {
  // Baseline: the same records generated and validated, written nowhere.
  const t0 = performance.now();
  let records = 0;
  for (const batch of createDemo(options).batches(10_000)) records += prepareWrites(batch).result.total;
  console.log(JSON.stringify({ records, ms: performance.now() - t0, maxRssMb: maxRssMb() }));
  process.exit(0);
}

const config = loadConfig({ cwd: tmpdir(), env: {} });
let dir: string | null = null;
let dbName: string | null = null;
let storeConfig: { duckdbPath?: string; databaseUrl?: string; duckdbMemoryLimit?: string };
if (engine === 'duckdb') {
  dir = mkdtempSync(join(tmpdir(), 'pitwall-bench-'));
  storeConfig = {
    duckdbPath: join(dir, 'bench.duckdb'),
    duckdbMemoryLimit: process.env.PITWALL_DUCKDB_MEMORY,
  };
} else {
  dbName = `pitwall_bench_${process.pid}`;
  const admin = new pg.Client(pgUrl);
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  storeConfig = { databaseUrl: pgUrl!.replace(/\/[^/?]+(\?|$)/, `/${dbName}$1`) };
}
const store = await openStore(storeConfig);
try {
  const stream = createDemo(options).batches(10_000);
  const held: unknown[][] = [];
  // Every batch until only the appended records are left; a batch that crosses the line is
  // split. (next() by hand: a for...of that stopped early would close the stream.)
  function* head(limit: number): Generator<unknown[]> {
    let n = 0;
    for (let next = stream.next(); !next.done; next = stream.next()) {
      const batch = next.value;
      if (n + batch.length > limit) {
        if (n < limit) yield batch.slice(0, limit - n);
        held.push(batch.slice(Math.max(0, limit - n)));
        return;
      }
      yield batch;
      n += batch.length;
    }
  }
  const t0 = performance.now();
  const records = await ingestBatches(store, head(first ? Number(first) : Infinity));
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  await ensureFresh(store, config);
  const enrichMs = performance.now() - t1;
  const loadRssMb = maxRssMb();
  // The rest of the stream, then enrichment again.
  const appendedRecords = await ingestBatches(
    store,
    (function* () {
      yield* held;
      yield* stream;
    })(),
  );
  const t2 = performance.now();
  await ensureFresh(store, config);
  const appendEnrichMs = performance.now() - t2;

  const registry = registryFor(config);
  const window = { from: new Date(END.getTime() - 30 * 86_400_000), to: END };
  const reportMs: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t = performance.now();
    await buildReport(store, registry, config, window);
    reportMs.push(performance.now() - t);
  }
  // Baseline: one count over every table the report reads: the cost of touching the data at all.
  const scanMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    for (const table of [
      'commits',
      'pull_requests',
      'reviews',
      'deployments',
      'pipeline_runs',
      'pipeline_jobs',
      'test_results',
      'spans',
      'commands',
      'survey_responses',
    ])
      await store.query(`select count(*) as n from ${table}`);
    scanMs.push(performance.now() - t);
  }
  // The foundation's metrics alone (DORA and git), the set the report goal was first set for.
  const foundation = registry
    .list()
    .filter((d) => /^(dora|git)\./.test(d.name))
    .map((d) => d.name);
  const foundationMs: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t = performance.now();
    await buildReport(store, registry, config, { ...window, metrics: foundation });
    foundationMs.push(performance.now() - t);
  }
  const fSorted = foundationMs.slice(2).sort((a, b) => a - b);
  const sorted = reportMs.slice(2).sort((a, b) => a - b); // the first two warm caches
  console.log(
    JSON.stringify({
      records,
      loadMs,
      enrichMs,
      appendedRecords,
      appendEnrichMs,
      loadRssMb,
      reportP50: percentile(sorted, 0.5),
      reportP95: percentile(sorted, 0.95),
      scanP50: percentile(
        scanMs.sort((a, b) => a - b),
        0.5,
      ),
      foundationMetrics: foundation.length,
      foundationP50: percentile(fSorted, 0.5),
      foundationP95: percentile(fSorted, 0.95),
      maxRssMb: maxRssMb(),
      metrics: registry.list().length,
    }),
  );
} finally {
  await store.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (dbName) {
    const admin = new pg.Client(pgUrl);
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}
