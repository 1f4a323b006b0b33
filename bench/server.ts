import { tmpdir } from 'node:os';
import { pino } from 'pino';
import { PitwallClient } from '../src/client/index.js';
import { loadConfig } from '../src/plugins.js';
import { createDemo } from '../src/demo/generate.js';
import { ensureFresh } from '../src/enrich/index.js';
import { ingest, ingestBatches } from '../src/ingest/ingest.js';
import { startServer } from '../src/server/server.js';
import { fmt, percentile, timeIt, type BenchResult } from './harness.js';
import { freshBenchStore, type BenchEngine } from './stores.js';

/**
 * The server on each engine (BENCH_ENGINES, default duckdb,postgres), over loopback HTTP (server and load generator share this process and
 * its cores, so the figures are a floor):
 *  1. the Executive dashboard's API calls over a demo org (BENCH_SERVER_DEVELOPERS × BENCH_SERVER_DAYS,
 *     default 1,000 × 365), p95 per call; baseline: the same computations called directly;
 *  2. ingest over HTTP in batches of 1,000 (BENCH_INGEST_RECORDS), events/s; baseline: the same
 *     records loaded directly into a fresh store in the same batches;
 *  3. 200 concurrent readers of the dashboard calls: p95 and errors.
 */
const END = new Date('2026-11-02T00:00:00Z');
const DAY = 86_400_000;
const q = { from: new Date(END.getTime() - 30 * DAY).toISOString(), to: END.toISOString() };
const config = loadConfig({ cwd: tmpdir(), env: {} });
const logger = pino({ level: 'silent' });

const TREND_METRICS = [
  'dora.deploys.days_per_week',
  'dora.lead_time.median_hours',
  'dora.change_failure.rate',
  'dora.recovery.failed_deployment_hours',
];
const EXECUTIVE_CALL_NAMES = ['headline', 'insights', 'dora', 'dxi', ...TREND_METRICS, 'dx.survey.nps'];
/** What the Executive dashboard asks for when it opens (named in EXECUTIVE_CALL_NAMES's order). */
const executiveCalls = (c: PitwallClient): (() => Promise<unknown>)[] => [
  () => c.headline(q),
  () => c.insights(q),
  () => c.dora(q),
  () => c.dxi(q),
  ...TREND_METRICS.map((m) => () => c.metric(m, { ...q, bucket: 'week' })),
  () => c.metric('dx.survey.nps', { ...q, bucket: 'month' }),
];

type Engine = BenchEngine;
/** The dashboard goal per engine (the issue's: 250 ms on DuckDB, 1 s on PostgreSQL). */
const DASHBOARD_GOAL_MS: Record<Engine, number> = { duckdb: 250, postgres: 1000 };
const freshStore = (engine: Engine) => freshBenchStore(engine, 'server');

async function dashboard(engine: Engine, lines: string[]): Promise<void> {
  const developers = Number(process.env.BENCH_SERVER_DEVELOPERS ?? 1000);
  const days = Number(process.env.BENCH_SERVER_DAYS ?? 365);
  const { store, done } = await freshStore(engine);
  try {
    const load = await timeIt(() =>
      ingestBatches(store, createDemo({ developers, days, seed: 42, end: END }).batches(10_000)),
    );
    await ensureFresh(store, config);
    lines.push(
      `${engine}: executive dashboard: demo org ${developers} developers × ${days} days, ${load.value.toLocaleString('en')} records (loaded in ${fmt(load.ms / 1000)} s)`,
    );
    const server = await startServer({
      store,
      config,
      logger,
      host: '127.0.0.1',
      port: 0,
      anonymousRead: true,
      clock: () => END,
      schedule: false,
    });
    try {
      const client = new PitwallClient({ baseUrl: server.url });
      const calls = executiveCalls(client);
      // Cold: the read cache emptied before every call, calls one after another: the computation itself.
      const cold: number[] = [];
      const slowest = { ms: 0, call: 0 };
      for (let i = 0; i < 5; i++)
        for (const [k, call] of calls.entries()) {
          server.ctx.readCache.invalidate();
          const ms = (await timeIt(call)).ms;
          cold.push(ms);
          if (ms > slowest.ms) Object.assign(slowest, { ms, call: k });
        }
      cold.sort((a, b) => a - b);
      lines.push(
        `${engine}: executive dashboard, uncached (read cache emptied before each call), ${cold.length} calls: p50 ${fmt(percentile(cold, 0.5), 0)} ms, p95 ${fmt(percentile(cold, 0.95), 0)} ms, max ${fmt(cold[cold.length - 1]!, 0)} ms (goal p95 < ${DASHBOARD_GOAL_MS[engine]} ms); slowest: ${EXECUTIVE_CALL_NAMES[slowest.call]}`,
      );
      for (const call of calls) await call(); // warm the read cache, as a first viewer does
      const per: number[] = [];
      const page: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        await Promise.all(calls.map(async (call) => per.push((await timeIt(call)).ms)));
        page.push(performance.now() - t0);
      }
      per.sort((a, b) => a - b);
      page.sort((a, b) => a - b);
      lines.push(
        `${engine}: executive dashboard, read cache warm: ${calls.length} API calls per page view, 10 views: per call p50 ${fmt(percentile(per, 0.5), 0)} ms, p95 ${fmt(percentile(per, 0.95), 0)} ms; whole page (calls in parallel) p95 ${fmt(percentile(page, 0.95), 0)} ms`,
      );
      const readers = 200;
      const perReader = 5;
      const lat: number[] = [];
      let errors = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: readers }, async (_, r) => {
          for (let i = 0; i < perReader; i++) {
            const call = calls[(r + i) % calls.length]!;
            const t = performance.now();
            try {
              await call();
            } catch {
              errors++;
            }
            lat.push(performance.now() - t);
          }
        }),
      );
      const wall = performance.now() - t0;
      lat.sort((a, b) => a - b);
      lines.push(
        `${engine}: ${readers} concurrent readers × ${perReader} calls: p50 ${fmt(percentile(lat, 0.5), 0)} ms, p95 ${fmt(percentile(lat, 0.95), 0)} ms (goal ≤ 500 ms), ${errors} errors (goal: none), ${fmt(lat.length / (wall / 1000), 0)} requests/s; ratio p95 under load / p95 alone ${fmt(percentile(lat, 0.95) / percentile(per, 0.95), 1)}x`,
      );
    } finally {
      await server.close();
    }
  } finally {
    await done();
  }
}

async function ingestOverHttp(engine: Engine, lines: string[]): Promise<void> {
  const wanted = Number(process.env.BENCH_INGEST_RECORDS ?? 300_000);
  const records: unknown[] = [];
  for (const b of createDemo({ developers: 200, days: 365, seed: 9, end: END }).batches(10_000)) {
    records.push(...b);
    if (records.length >= wanted) break;
  }
  records.length = Math.min(records.length, wanted);
  const batches: unknown[][] = [];
  for (let i = 0; i < records.length; i += 1000) batches.push(records.slice(i, i + 1000));
  // Bodies are serialised before the clock starts: the client's JSON work is not the server's.
  const bodies = batches.map((b) => JSON.stringify({ records: b }));

  const direct = await freshStore(engine);
  const base = await timeIt(async () => {
    for (const b of batches) await ingest(direct.store, b);
  });
  await direct.done();

  const viaHttp = await freshStore(engine);
  const server = await startServer({
    store: viaHttp.store,
    config,
    logger,
    host: '127.0.0.1',
    port: 0,
    schedule: false,
  });
  try {
    const { token } = await server.ctx.tokens.create('bench', ['ingest']);
    const queue = [...bodies];
    const http = await timeIt(() =>
      Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let body = queue.shift(); body; body = queue.shift()) {
            const res = await fetch(`${server.url}/api/v1/ingest`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body,
            });
            if (!res.ok) throw new Error(`ingest ${res.status}: ${await res.text()}`);
            await res.arrayBuffer();
          }
        }),
      ),
    );
    const n = records.length;
    lines.push(
      `${engine}: ingest over HTTP: ${n.toLocaleString('en')} records in ${batches.length} batches of 1,000, 4 in flight: ${Math.round(n / (http.ms / 1000)).toLocaleString('en')} events/s (goal ≥ 100k/s on 2 cores); baseline direct ingest() of the same batches ${Math.round(n / (base.ms / 1000)).toLocaleString('en')} records/s; ratio HTTP/direct ${fmt(base.ms / http.ms, 2)}`,
    );
  } finally {
    await server.close();
    await viaHttp.done();
  }
}

export async function serverBench(): Promise<BenchResult> {
  const lines: string[] = [];
  for (const engine of (process.env.BENCH_ENGINES ?? 'duckdb,postgres').split(',') as Engine[]) {
    await ingestOverHttp(engine, lines);
    await dashboard(engine, lines);
  }
  return { name: 'server', lines };
}
