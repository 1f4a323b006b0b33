import StatsDClient from 'hot-shots';
import { afterEach, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest.js';
import { startStatsdListener, type StatsdListener } from '../../src/listeners/statsd/listener.js';
import { readListeners, writeListenerHealth } from '../../src/server/listeners.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let open: { listener?: StatsdListener; store?: TestStore } = {};
afterEach(async () => {
  await open.listener?.close();
  await open.store?.cleanup();
  open = {};
});

describe.each(ENGINES)('late DogStatsD-dated samples on %s', (engine) => {
  it('add to the interval already flushed (the upsert holds the total), and older than the horizon are counted', async () => {
    const t = (open.store = await openTestStore(engine));
    const listener = (open.listener = await startStatsdListener({
      port: 0,
      flushIntervalSeconds: 60,
      lateHorizonSeconds: 600,
      flush: (records) => ingest(t.store, records).then(() => undefined),
      onHealth: (h) => writeListenerHealth(t.store, h),
    }));
    const c = new StatsDClient({ host: '127.0.0.1', port: listener.port, includeDatadogTelemetry: false });
    // A minute about four minutes ago: inside the 10-minute horizon.
    const minute = Math.floor((Date.now() - 240_000) / 60_000) * 60_000;
    const at = (s: number) => new Date(minute + s * 1000);
    const tags = ['repo:mural-kraken'];
    c.increment('late.jobs', 2, { tags, timestamp: at(1) });
    c.set('late.users', 'alice', { tags, timestamp: at(2) });
    c.distribution('late.duration', 100, { tags, timestamp: at(3) });
    c.distribution('late.duration', 300, { tags, timestamp: at(4) });
    await until(() => listener.health().metrics === 4, 'the first samples');
    await listener.flushNow();

    c.increment('late.jobs', 3, { tags, timestamp: at(30) });
    c.set('late.users', 'bob', { tags, timestamp: at(31) });
    c.distribution('late.duration', 500, { tags, timestamp: at(32) });
    // Twenty minutes old: its interval closed, so it is dropped and counted.
    c.increment('late.jobs', 100, { tags, timestamp: new Date(Date.now() - 20 * 60_000) });
    await until(() => listener.health().metrics === 8, 'the late samples');
    await new Promise<void>((r) => c.close(() => r()));
    await listener.flushNow();

    const rows = await t.store.query<{ name: string; value: number; occurred_at: Date }>(
      `select name, value, occurred_at from metric_points where name like 'late.%' order by name`,
    );
    const value = Object.fromEntries(rows.map((r) => [r.name, Number(r.value)]));
    expect(value).toMatchObject({
      'late.jobs': 5,
      'late.users': 2,
      'late.duration.count': 3,
      'late.duration.sum': 900,
      'late.duration.min': 100,
      'late.duration.max': 500,
    });
    expect(new Set(rows.map((r) => new Date(r.occurred_at).getTime()))).toEqual(new Set([minute]));
    const [sk] = await t.store.query<{ count: number; sum: number }>(
      `select count, sum from metric_sketches where name = 'late.duration'`,
    );
    expect({ count: Number(sk!.count), sum: Number(sk!.sum) }).toEqual({ count: 3, sum: 900 });

    const [persisted] = await readListeners(t.store);
    expect(persisted).toMatchObject({
      id: `statsd:127.0.0.1:${listener.port}`,
      late_dropped: 1,
      metrics: 8,
      flushes: 2,
      healthy: true,
    });
  });
});
