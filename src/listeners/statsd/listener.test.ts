import { createSocket } from 'node:dgram';
import { DDSketch } from '@datadog/sketches-js';
import StatsDClient, { type ClientOptions, type StatsD } from 'hot-shots';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ingest } from '../../ingest/ingest.js';
import { openTestStore, type TestStore } from '../../../test/helpers/stores.js';
import type { MetricPointRecord } from './aggregate.js';
import { startStatsdListener, type ListenerRecord, type StatsdListener } from './listener.js';

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function client(port: number, extra: ClientOptions = {}): StatsD {
  return new StatsDClient({
    host: '127.0.0.1',
    port,
    protocol: 'udp',
    includeDatadogTelemetry: false,
    ...extra,
  });
}
const closeClient = (c: StatsD) => new Promise<void>((r) => c.close(() => r()));

function sendRaw(port: number, text: string): Promise<void> {
  const s = createSocket('udp4');
  return new Promise((resolve, reject) =>
    s.send(Buffer.from(text), port, '127.0.0.1', (e) => {
      s.close();
      if (e) reject(e);
      else resolve();
    }),
  );
}

let open: { listener?: StatsdListener; store?: TestStore } = {};
afterEach(async () => {
  vi.restoreAllMocks();
  await open.listener?.close();
  await open.store?.cleanup();
  open = {};
});

describe('StatsD listener on 127.0.0.1, fed by hot-shots, flushed into DuckDB', () => {
  it('stores gauges, sampled counters, timers, histograms, distributions and sets with their tags', async () => {
    const store = (open.store = await openTestStore('duckdb'));
    const listener = (open.listener = await startStatsdListener({
      port: 0,
      flushIntervalSeconds: 3600,
      flush: async (records) => {
        await ingest(store.store, records);
      },
    }));
    // hot-shots drops a sampled metric when Math.random() >= rate; pin its coin so every one is sent.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const c = client(listener.port);
    const tags = { repo: 'mural-kraken', failure_type: 'timeout' };
    c.gauge('testenv.queue.depth', 4, tags);
    c.gauge('testenv.queue.depth', 7, tags);
    for (let i = 0; i < 5; i++) c.increment('testenv.provision.failed', 1, 0.5, tags);
    c.increment('testenv.provision.started', 3, ['ci_tests_complete:false']);
    const durations = [120_000, 150_000, 180_000, 240_000, 600_000];
    for (const d of durations) c.timing('testenv.provision.total_duration', d, ['repo:mural-kraken']);
    c.histogram('testenv.operator.reconcile_duration', 40);
    c.histogram('testenv.operator.reconcile_duration', 60);
    c.distribution('testenv.provision.checks.duration', 2.5, { repo: 'mural-kraken' });
    for (const u of ['alice', 'bob', 'alice']) c.set('testenv.users', u);
    const sent = 2 + 5 + 1 + durations.length + 2 + 1 + 3;
    await until(() => listener.health().metrics === sent, `${sent} metrics`);
    await closeClient(c);
    expect(await listener.flushNow()).toBeGreaterThan(0);

    const rows = await store.store.query<{ name: string; type: string; value: number; tags: string }>(
      'select name, type, value, tags from metric_points order by name, tags',
    );
    const get = (name: string) =>
      rows
        .filter((r) => r.name === name)
        .map((r) => ({ ...r, value: Number(r.value), tags: JSON.parse(r.tags) }));
    expect(get('testenv.queue.depth')).toEqual([
      { name: 'testenv.queue.depth', type: 'gauge', value: 7, tags },
    ]);
    expect(get('testenv.provision.failed')).toEqual([
      expect.objectContaining({ type: 'count', value: 10, tags }),
    ]);
    expect(get('testenv.provision.started')[0]).toMatchObject({
      value: 3,
      tags: { ci_tests_complete: 'false' },
    });
    expect(get('testenv.provision.total_duration.count')[0]).toMatchObject({ type: 'count', value: 5 });
    expect(get('testenv.provision.total_duration.sum')[0]?.value).toBe(durations.reduce((a, b) => a + b, 0));
    expect(get('testenv.provision.total_duration.max')[0]?.value).toBe(600_000);
    const p50 = get('testenv.provision.total_duration.p50')[0]!.value;
    expect(Math.abs(p50 - 180_000) / 180_000).toBeLessThanOrEqual(0.01);
    expect(get('testenv.operator.reconcile_duration.count')[0]?.value).toBe(2);
    expect(get('testenv.provision.checks.duration.min')[0]).toMatchObject({
      value: 2.5,
      tags: { repo: 'mural-kraken' },
    });
    expect(get('testenv.users')[0]).toMatchObject({ type: 'gauge', value: 2 });
    const [sk] = await store.store.query<{ count: number; max: number; sketch: string; tags: string }>(
      `select count, max, sketch, tags from metric_sketches where name = 'testenv.provision.total_duration'`,
    );
    expect(Number(sk!.count)).toBe(5);
    expect(Number(sk!.max)).toBe(600_000);
    expect(JSON.parse(sk!.tags)).toEqual({ repo: 'mural-kraken' });
    const decoded = DDSketch.fromProto(Buffer.from(sk!.sketch, 'base64'));
    expect(Math.abs(decoded.getValueAtQuantile(0.5) - 180_000) / 180_000).toBeLessThanOrEqual(0.01);
    expect(listener.health()).toMatchObject({ malformed: 0, flushes: 1, failedPoints: 0 });
  });

  it('reads several metrics per packet, acknowledges events and checks, and samples malformed lines', async () => {
    const flushed: ListenerRecord[][] = [];
    const listener = (open.listener = await startStatsdListener({
      port: 0,
      flushIntervalSeconds: 3600,
      malformedSamples: 2,
      flush: (r) => void flushed.push(r),
    }));
    // Buffered: hot-shots packs lines into one packet up to 1 KB.
    const c = client(listener.port, { maxBufferSize: 1024, bufferFlushInterval: 50 });
    c.increment('batch.hits', 1);
    c.increment('batch.hits', 2);
    c.gauge('batch.level', 9);
    c.event('deploy', 'api v2 went out', { alert_type: 'info' });
    c.check('redis.can_connect', c.CHECKS.OK);
    await until(() => listener.health().serviceChecks === 1, 'the buffered packet');
    await closeClient(c);
    expect(listener.health().packets).toBeLessThan(5);
    await sendRaw(listener.port, 'bad line\na.b:x|c\nok.one:1|c\na.b:1|zz\n\u0000\u00ff');
    await sendRaw(listener.port, Buffer.from([0xff, 0xfe, 0x00]).toString('latin1'));
    await until(() => listener.health().packets >= 3 && listener.health().malformed >= 4, 'the bad packets');
    const h = listener.health();
    expect(h).toMatchObject({ events: 1, serviceChecks: 1, metrics: 4 });
    expect(h.malformed).toBeGreaterThanOrEqual(4);
    expect(h.recentMalformed).toHaveLength(2);
    expect(h.recentMalformed.every((m) => m.reason.length > 0)).toBe(true);
    await listener.flushNow();
    const points = flushed.flat().filter((p): p is MetricPointRecord => p.kind === 'metric_point');
    expect(points.find((p) => p.name === 'batch.hits')?.value).toBe(3);
    expect(points.find((p) => p.name === 'ok.one')?.value).toBe(1);
  });

  it('keeps running when the flush target fails, counting the lost points', async () => {
    let fail = true;
    const got: MetricPointRecord[] = [];
    const listener = (open.listener = await startStatsdListener({
      port: 0,
      flushIntervalSeconds: 3600,
      flush: (r) => {
        if (fail) throw new Error('store is down');
        got.push(...(r as MetricPointRecord[]));
      },
    }));
    await sendRaw(listener.port, 'x.y:1|c');
    await until(() => listener.health().metrics === 1, 'the first packet');
    expect(await listener.flushNow()).toBe(0);
    expect(listener.health()).toMatchObject({ failedPoints: 1, lastFlushError: 'store is down' });
    fail = false;
    await sendRaw(listener.port, 'x.y:2|c');
    await until(() => listener.health().metrics === 2, 'the second packet');
    await listener.close();
    expect(got.map((p) => p.value)).toEqual([2]);
  });

  it('flushes on its own every interval', async () => {
    const got: MetricPointRecord[] = [];
    const listener = (open.listener = await startStatsdListener({
      port: 0,
      flushIntervalSeconds: 0.05,
      flush: (r) => void got.push(...(r as MetricPointRecord[])),
    }));
    await sendRaw(listener.port, 'tick.count:1|c');
    await until(() => got.length > 0, 'a timed flush');
    expect(got[0]).toMatchObject({ name: 'tick.count', value: 1 });
  });

  it('says which address it could not bind', async () => {
    const first = (open.listener = await startStatsdListener({ port: 0, flush: () => {} }));
    await expect(startStatsdListener({ port: first.port, flush: () => {} })).rejects.toThrow(
      `127.0.0.1:${first.port}`,
    );
  });
});
