import { createSocket } from 'node:dgram';
import { DDSketch } from '@datadog/sketches-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyRecordInput } from '../../src/domain/records.js';
import { createDemo } from '../../src/demo/generate.js';
import type { RealisedTruth } from '../../src/demo/summary.js';
import { ingest } from '../../src/ingest/ingest.js';
import { startStatsdListener } from '../../src/listeners/statsd/listener.js';
import { testenvSection } from '../../src/listeners/statsd/testenv-config.js';
import { testenvObserver } from '../../src/listeners/statsd/testenv-events.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * The demo's provisioning is what the StatsD path makes of the seed's instrumentation: its
 * DogStatsD lines, sent to a real listener with the testenv mapping, give the demo's spans; its
 * series are the aggregator's, consistent with the spans.
 */
const OPTIONS = { developers: 16, days: 30, seed: 7, end: new Date('2025-03-01T00:00:00Z') };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SpanRow {
  span_id: string;
  parent_id: string | null;
  name: string;
  key: string | null;
  repo: string | null;
  team: string | null;
  started_at: unknown;
  ended_at: unknown;
  status: string;
  failure_category: string | null;
  attributes: string;
}
const SPAN_SQL = `select span_id, parent_id, name, key, repo, team, started_at, ended_at, status, failure_category, attributes
                  from spans order by span_id`;
const norm = (r: SpanRow) => ({
  ...r,
  started_at: new Date(r.started_at as string).toISOString(),
  ended_at: new Date(r.ended_at as string).toISOString(),
  attributes: JSON.parse(r.attributes) as unknown,
});

describe.each(ENGINES)('the demo’s provisioning through the StatsD path on %s', (engine) => {
  let demoStore: TestStore;
  let real: RealisedTruth;
  let records: AnyRecordInput[];
  beforeAll(async () => {
    demoStore = await openTestStore(engine);
    const demo = createDemo(OPTIONS, { detail: true });
    records = [];
    for (const batch of demo.batches(20_000)) {
      records.push(...batch);
      await ingest(demoStore.store, batch);
    }
    real = demo.realised();
  });
  afterAll(async () => demoStore?.cleanup());

  it('a real listener fed the demo’s DogStatsD lines stores exactly the demo’s provisioning spans', async () => {
    const lines = real.provisioning.statsdLines!;
    expect(lines.length).toBeGreaterThan(500);
    const t = await openTestStore(engine);
    const listener = await startStatsdListener({
      port: 0,
      flushIntervalSeconds: 3600,
      observers: [testenvObserver(testenvSection.parse({ statsd: { settle_seconds: 0.2 } }).statsd)],
      flush: async (rs) => {
        await ingest(t.store, rs);
      },
    });
    const socket = createSocket('udp4');
    try {
      // Paced packets of a few lines, as a client's buffer would send them, so none is lost on loopback.
      for (let i = 0; i < lines.length; i += 8) {
        const packet = Buffer.from(lines.slice(i, i + 8).join('\n'));
        await new Promise<void>((res, rej) =>
          socket.send(packet, listener.port, '127.0.0.1', (e) => (e ? rej(e) : res())),
        );
        if (i % 200 === 0) await sleep(2);
      }
      for (let i = 0; i < 500 && listener.health().metrics < lines.length; i++) await sleep(10);
      expect(listener.health()).toMatchObject({ metrics: lines.length, malformed: 0 });
      await sleep(300);
      await listener.flushNow();
      const viaListener = (await t.store.query<SpanRow>(SPAN_SQL)).map(norm);
      const demo = (await demoStore.store.query<SpanRow>(SPAN_SQL)).map(norm);
      expect(demo.length).toBe(real.counts.span);
      expect(viaListener).toEqual(demo);
    } finally {
      socket.close();
      await listener.close();
      await t.cleanup();
    }
  });

  it('stores the seed’s series beside the spans: counters and sketches agree with the spans', async () => {
    const q = <T extends object>(sql: string) => demoStore.store.query<T>(sql);
    const counts = await q<{ name: string; tags: string; v: number }>(
      `select name, tags, sum(value) as v from metric_points
       where name in ('testenv.provision.success', 'testenv.provision.failed', 'testenv.provision.started',
                      'testenv.provision.down', 'testenv.provision.total_duration.count')
       group by name, tags`,
    );
    // The default tag policy keeps branch and sha out of the series (the spans keep them).
    expect(counts.length).toBeGreaterThan(0);
    for (const c of counts) expect(Object.keys(JSON.parse(c.tags))).not.toContain('branch');
    for (const c of counts) expect(Object.keys(JSON.parse(c.tags))).not.toContain('sha');
    const sum = (name: string, tag?: [string, string]) =>
      counts
        .filter((c) => c.name === name && (!tag || JSON.parse(c.tags)[tag[0]] === tag[1]))
        .reduce((s, c) => s + Number(c.v), 0);
    const roots = await q<{ status: string; failure_category: string | null; attributes: string }>(
      `select status, failure_category, attributes from spans where name = 'testenv.provision'`,
    );
    expect(roots.length).toBe(real.provisioning.provisions);
    expect(sum('testenv.provision.total_duration.count')).toBe(roots.length);
    expect(sum('testenv.provision.success')).toBe(roots.filter((r) => r.status === 'ok').length);
    for (const [cat, n] of Object.entries(real.provisioning.failuresByCategory))
      expect(sum('testenv.provision.failed', ['failure_type', cat]), cat).toBe(n);
    const early = roots.filter((r) => JSON.parse(r.attributes).ci_tests_complete === false).length;
    expect(early).toBeGreaterThan(0);
    expect(sum('testenv.provision.started', ['ci_tests_complete', 'false'])).toBe(early);
    const [downs] = await q<{ n: number }>(
      `select count(*) as n from spans where name = 'testenv.deprovision'`,
    );
    expect(sum('testenv.provision.down')).toBe(Number(downs!.n));

    // The interval sketches merge into the distribution of every root's duration, within 1%.
    const sketches = await q<{ sketch: string }>(
      `select sketch from metric_sketches where name = 'testenv.provision.total_duration'`,
    );
    const merged = DDSketch.fromProto(Buffer.from(sketches[0]!.sketch, 'base64'));
    for (const s of sketches.slice(1)) merged.merge(DDSketch.fromProto(Buffer.from(s.sketch, 'base64')));
    const durations = records
      .filter((r): r is Extract<AnyRecordInput, { kind: 'span' }> => r.kind === 'span')
      .filter((r) => r.name === 'testenv.provision')
      .map((r) => Date.parse(String(r.ended_at)) - Date.parse(String(r.started_at)))
      .sort((a, b) => a - b);
    expect(merged.count).toBe(durations.length);
    const p90 = durations[Math.ceil(0.9 * durations.length) - 1]!;
    expect(Math.abs(merged.getValueAtQuantile(0.9) - p90) / p90).toBeLessThanOrEqual(0.011);
  });

  it('marks the optimisation with a testenv annotation on its date', async () => {
    const [a] = await demoStore.store.query<{ occurred_at: unknown; title: string; category: string }>(
      `select occurred_at, title, category from annotations where id = 'demo-testenv-early-provisioning'`,
    );
    expect(a!.category).toBe('testenv');
    expect(a!.title).toMatch(/without waiting for CI tests/);
    expect(new Date(a!.occurred_at as string).toISOString()).toBe(real.provisioning.optimisation.at);
  });
});
