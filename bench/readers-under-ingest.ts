import { tmpdir } from 'node:os';
import { pino } from 'pino';
import { loadConfig } from '../src/plugins.js';
import { createDemo } from '../src/demo/generate.js';
import { ensureFresh } from '../src/enrich/index.js';
import { ingestBatches } from '../src/ingest/ingest.js';
import { startServer } from '../src/server/server.js';
import type { Store } from '../src/store/store.js';
import { freshBenchStore, type BenchEngine } from './stores.js';
import { fmt, percentile, type BenchResult } from './harness.js';

/**
 * A real server on loopback with the demo org loaded (BENCH_RUI_DEVELOPERS × BENCH_RUI_DAYS,
 * default 100 × 90), on each engine of BENCH_ENGINES (duckdb,postgres): 200 concurrent readers
 * (BENCH_RUI_READERS) of random metrics over random distinct windows, which the read cache cannot
 * serve, for BENCH_RUI_SECONDS (default 20) while an ingest loop posts batches of 1,000 records
 * and a probe asks /healthz every 50 ms. Baseline, in the same run: the same ingest loop alone.
 * Load generator and server share this process and its cores, so the figures are a floor.
 */
const DAY = 86_400_000;
const END = new Date('2026-11-02T00:00:00Z');
const config = loadConfig({ cwd: tmpdir(), env: {} });
const logger = pino({ level: 'silent' });

interface Opened {
  store: Store;
  done: () => Promise<void>;
}

function openEngine(engine: string): Promise<Opened> {
  return freshBenchStore(engine as BenchEngine, 'rui');
}

/** Posts the bodies one after another (2 in flight) until `until()`; returns records written. */
async function ingestLoop(url: string, token: string, bodies: string[], until: () => boolean) {
  let next = 0;
  let records = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (!until()) {
        const body = bodies[next++ % bodies.length]!;
        const res = await fetch(`${url}/api/v1/ingest`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
        });
        if (res.ok) records += ((await res.json()) as { total: number }).total;
        else {
          errors++;
          await res.arrayBuffer();
        }
      }
    }),
  );
  return { records, errors };
}

async function oneEngine(engine: string, lines: string[]): Promise<void> {
  const developers = Number(process.env.BENCH_RUI_DEVELOPERS ?? 100);
  const days = Number(process.env.BENCH_RUI_DAYS ?? 90);
  const seconds = Number(process.env.BENCH_RUI_SECONDS ?? 20);
  const readers = Number(process.env.BENCH_RUI_READERS ?? 200);
  const { store, done } = await openEngine(engine);
  try {
    const loaded = await ingestBatches(
      store,
      createDemo({ developers, days, seed: 42, end: END }).batches(10_000),
    );
    await ensureFresh(store, config);
    // What ingest posts: another org's records, as 1,000-record batches serialised up front.
    const bodies: string[] = [];
    let pending: unknown[] = [];
    for (const b of createDemo({ developers: 50, days: 60, seed: 9, end: END }).batches(10_000))
      for (const r of b) {
        pending.push(r);
        if (pending.length === 1000) {
          bodies.push(JSON.stringify({ records: pending }));
          pending = [];
        }
      }
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
      const { token } = await server.ctx.tokens.create('bench', ['ingest']);
      const metrics = server.ctx.registry.list().map((d) => d.name);

      const baseMs = (seconds / 2) * 1000;
      const b0 = performance.now();
      const alone = await ingestLoop(server.url, token, bodies, () => performance.now() - b0 > baseMs);
      const aloneRate = alone.records / ((performance.now() - b0) / 1000);

      const t0 = performance.now();
      const over = () => performance.now() - t0 > seconds * 1000;
      const lat: number[] = [];
      const health: number[] = [];
      let readErrors = 0;
      /** Why reads failed: status (or "network") → how many. */
      const failures = new Map<string, number>();
      const failed = (why: string) => {
        readErrors++;
        failures.set(why, (failures.get(why) ?? 0) + 1);
      };
      let healthErrors = 0;
      let seq = 0;
      const reader = async () => {
        while (!over()) {
          // A distinct window each time (down to the second): never a cached answer.
          const i = seq++;
          const len = (7 + (i % 60)) * DAY;
          const to = END.getTime() - ((i * 7919) % (days * DAY)) + (i % 86_400) * 1000;
          const metric = metrics[(i * 31) % metrics.length]!;
          const url = `${server.url}/api/v1/metrics/${metric}?from=${new Date(to - len).toISOString()}&to=${new Date(to).toISOString()}`;
          const t = performance.now();
          try {
            const res = await fetch(url);
            const body = await res.text();
            if (res.status !== 200)
              failed(
                `${res.status} ${(JSON.parse(body) as { error?: { code?: string } }).error?.code ?? ''}`,
              );
          } catch {
            failed('network');
          }
          lat.push(performance.now() - t);
        }
      };
      const probe = async () => {
        while (!over()) {
          const t = performance.now();
          try {
            const res = await fetch(`${server.url}/healthz`);
            await res.arrayBuffer();
            if (res.status !== 200) healthErrors++;
          } catch {
            healthErrors++;
          }
          health.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      const [during] = await Promise.all([
        ingestLoop(server.url, token, bodies, over),
        probe(),
        ...Array.from({ length: readers }, reader),
      ]);
      const wall = (performance.now() - t0) / 1000;
      const duringRate = during.records / wall;
      lat.sort((a, b) => a - b);
      health.sort((a, b) => a - b);
      lines.push(
        `${engine}: demo org ${developers} × ${days} days (${loaded.toLocaleString('en')} records), ${readers} readers of random metrics and windows for ${seconds} s while ingest posts 1,000-record batches`,
        `  reads: ${lat.length.toLocaleString('en')} (${fmt(lat.length / wall, 0)}/s), errors ${readErrors} (goal 0${readErrors ? `; ${[...failures].map(([k, v]) => `${v}× ${k}`).join(', ')}` : ''}), p50 ${fmt(percentile(lat, 0.5), 0)} ms, p95 ${fmt(percentile(lat, 0.95), 0)} ms (goal <= 1000)`,
        `  ingest: ${Math.round(duringRate).toLocaleString('en')} records/s during the reads vs ${Math.round(aloneRate).toLocaleString('en')} alone (baseline, same run): ratio ${fmt(duringRate / aloneRate, 2)}; ingest errors ${alone.errors + during.errors}`,
        `  /healthz: ${health.length} probes, errors ${healthErrors}, p50 ${fmt(percentile(health, 0.5), 1)} ms, p99 ${fmt(percentile(health, 0.99), 1)} ms (goal <= 100)`,
      );
    } finally {
      await server.close();
    }
  } finally {
    await done();
  }
}

export async function readersUnderIngestBench(): Promise<BenchResult> {
  const engines = (process.env.BENCH_ENGINES ?? 'duckdb,postgres').split(',');
  const lines: string[] = [];
  for (const engine of engines) await oneEngine(engine, lines);
  return { name: 'readers-under-ingest', lines };
}
