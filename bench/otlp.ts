import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { loadConfig } from '../src/plugins.js';
import { ingest } from '../src/ingest/ingest.js';
import { mapTraces } from '../src/listeners/otlp/spans.js';
import { decodeTraces, encodeTraces } from '../src/listeners/otlp/wire.js';
import { startServer } from '../src/server/server.js';
import { openStore } from '../src/store/open.js';
import type { Store } from '../src/store/store.js';
import { fmt, timeIt, type BenchResult } from './harness.js';

/**
 * OTLP/HTTP span intake into the embedded store: BENCH_OTLP_REQUESTS (default 100) protobuf
 * requests of 512 spans, gzipped, as the SDK's BatchSpanProcessor sends them, BENCH_OTLP_IN_FLIGHT
 * (default 4) at a time, to `pitwall serve` on loopback (client and server share this process and
 * its cores). Baseline: the same span records ingested directly in the same batches into a fresh
 * store. Also the receiver's own cost: decode and map only.
 */
const config = loadConfig({ cwd: tmpdir(), env: {} });
const T0 = Date.parse('2026-11-02T00:00:00Z');
const BATCH = 512;

/** One request: traces of a root and 7 children, attributes as an instrumented service sets them. */
function request(n: number): Uint8Array {
  const spans: Record<string, unknown>[] = [];
  let traceId = randomBytes(16);
  let rootId = randomBytes(8);
  for (let i = 0; i < BATCH; i++) {
    const isRoot = i % 8 === 0;
    if (isRoot) {
      traceId = randomBytes(16);
      rootId = randomBytes(8);
    }
    const start = BigInt(T0 + n * 60_000 + i * 10) * 1_000_000n;
    spans.push({
      traceId,
      spanId: isRoot ? rootId : randomBytes(8),
      parentSpanId: isRoot ? undefined : rootId,
      name: isRoot ? 'testenv.provision' : `testenv.phase_${i % 8}`,
      kind: 1,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + 250_000_000n).toString(),
      attributes: [
        { key: 'repo', value: { stringValue: `acme/repo-${i % 20}` } },
        { key: 'branch', value: { stringValue: `feature/${n}-${i % 50}` } },
        { key: 'http.status_code', value: { intValue: 200 } },
        { key: 'ci_tests_complete', value: { boolValue: i % 3 === 0 } },
        { key: 'attempt', value: { doubleValue: 1 } },
      ],
      status: { code: i % 17 === 0 ? 2 : 1 },
    });
  }
  return encodeTraces({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'testenv-operator' } }] },
        scopeSpans: [{ scope: { name: 'bench' }, spans }],
      },
    ],
  });
}

async function freshStore(): Promise<{ store: Store; done: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-bench-otlp-'));
  const store = await openStore({ duckdbPath: join(dir, 'b.duckdb') });
  return { store, done: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
}

async function inFlight<T>(
  items: readonly T[],
  width: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function otlpBench(): Promise<BenchResult> {
  const requests = Number(process.env.BENCH_OTLP_REQUESTS ?? 100);
  const width = Number(process.env.BENCH_OTLP_IN_FLIGHT ?? 4);
  const bodies = Array.from({ length: requests }, (_, n) => request(n));
  const gzipped = bodies.map((b) => gzipSync(b));
  const spans = requests * BATCH;
  const lines: string[] = [];

  const mapOnly = await timeIt(() => bodies.map((b) => mapTraces(decodeTraces(b, 'protobuf')).records));
  const batches = mapOnly.value;

  // Baseline: the same records, straight into ingest.
  const direct = await freshStore();
  let directMs: number;
  try {
    directMs = (await timeIt(() => inFlight(batches, 1, async (b) => void (await ingest(direct.store, b)))))
      .ms;
  } finally {
    await direct.done();
  }

  const target = await freshStore();
  let httpMs: number;
  let stored: number;
  try {
    const server = await startServer({
      store: target.store,
      config,
      logger: pino({ level: 'silent' }),
      host: '127.0.0.1',
      port: 0,
      schedule: false,
    });
    const token = (await server.ctx.tokens.create('bench', ['ingest'])).token;
    const headers = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    };
    httpMs = (
      await timeIt(() =>
        inFlight(gzipped, width, async (body) => {
          const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', body, headers });
          if (res.status !== 200) throw new Error(`OTLP export answered ${res.status}: ${await res.text()}`);
          await res.arrayBuffer();
        }),
      )
    ).ms;
    await server.close();
    stored = Number((await target.store.query<{ n: number }>('select count(*) as n from spans'))[0]!.n);
  } finally {
    await target.done();
  }
  if (stored !== spans) throw new Error(`stored ${stored} spans of ${spans} sent`);

  const rate = (ms: number) => (spans / ms) * 1000;
  lines.push(
    `spans: ${spans} in ${requests} protobuf+gzip requests of ${BATCH}, ${width} in flight, DuckDB store (all stored)`,
    `OTLP/HTTP ingest: ${fmt(rate(httpMs), 0)} spans/s (${fmt(httpMs, 0)} ms)`,
    `baseline, ingest() of the same span records: ${fmt(rate(directMs), 0)} spans/s (${fmt(directMs, 0)} ms)`,
    `ratio OTLP/HTTP / direct ingest: ${fmt(httpMs > 0 ? directMs / httpMs : NaN, 2)}`,
    `receiver's own cost, decode + map only: ${fmt(rate(mapOnly.ms), 0)} spans/s`,
  );
  return { name: 'otlp: spans per second over OTLP/HTTP into the embedded store', lines };
}
