import StatsDClient, { type StatsD } from 'hot-shots';
import { afterEach, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest.js';
import { startStatsdListener, type StatsdListener } from '../../src/listeners/statsd/listener.js';
import { testenvSection } from '../../src/listeners/statsd/testenv-config.js';
import { testenvObserver, type TestenvObserver } from '../../src/listeners/statsd/testenv-events.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * The seed's own instrumentation (hot-shots calls, as mural-kraken's provision.ts would make
 * them) against the real listener with the testenv mapping, flushed into a real store: the
 * provisioning spans are what the analysis reads.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const client = (port: number): StatsD =>
  new StatsDClient({ host: '127.0.0.1', port, protocol: 'udp', includeDatadogTelemetry: false });
const closeClient = (c: StatsD) => new Promise<void>((r) => c.close(() => r()));

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
const ms = (v: unknown) => new Date(v as string).getTime();

let open: { listener?: StatsdListener; store?: TestStore } = {};
afterEach(async () => {
  await open.listener?.close();
  await open.store?.cleanup();
  open = {};
});

async function setup(engine: (typeof ENGINES)[number], settleSeconds = 0.2) {
  const store = (open.store = await openTestStore(engine));
  const observer: TestenvObserver = testenvObserver(
    testenvSection.parse({ statsd: { settle_seconds: settleSeconds } }).statsd,
  );
  const listener = (open.listener = await startStatsdListener({
    port: 0,
    flushIntervalSeconds: 3600,
    observers: [observer],
    flush: async (records) => {
      await ingest(store.store, records);
    },
  }));
  const until = async (n: number) => {
    for (let i = 0; i < 500 && listener.health().metrics < n; i++) await sleep(10);
    expect(listener.health().metrics).toBe(n);
  };
  const spans = () =>
    store.store.query<SpanRow>(
      `select span_id, parent_id, name, key, repo, team, started_at, ended_at, status, failure_category, attributes
       from spans order by started_at, name`,
    );
  return { store, observer, listener, until, spans };
}

describe.each(ENGINES)('the seed’s hot-shots instrumentation through the StatsD listener on %s', (engine) => {
  it('stores a provisioning and a failed one as spans in the model, and the series as usual', async () => {
    const { listener, until, spans, store } = await setup(engine);
    const c = client(listener.port);
    const tags = { repo: 'mural-kraken', branch: 'ana/faster-envs', sha: 'abc1234def', team: 'platform' };
    const sentAt = Date.now();
    // handleProvision: checks polled, then kubernetes, then waiting for pods; a started counter when checks pass.
    c.timing('testenv.checks.duration', 31_000, tags);
    c.increment('testenv.provision.started', 1, { ...tags, ci_tests_complete: 'false' });
    c.timing('testenv.provision.kubernetes_duration', 240_000, tags);
    c.timing('testenv.provision.wait_ready_duration', 180_000, tags);
    c.timing('testenv.provision.total_duration', 451_000, tags);
    c.increment('testenv.provision.success', tags);
    // Another branch whose kubernetes phase failed; tags in another order.
    const other = { team: 'platform', sha: 'fed4321cba', repo: 'mural-kraken', branch: 'bo/fix' };
    c.timing('testenv.checks.duration', 600_000, other);
    c.increment('testenv.provision.started', 1, { ci_tests_complete: 'true', ...other });
    c.timing('testenv.provision.kubernetes_duration', 90_000, other);
    c.timing('testenv.provision.total_duration', 690_000, other);
    c.increment('testenv.provision.failed', 1, { ...other, failure_type: 'k8s_error' });
    c.increment('testenv.provision.down', 1, { repo: 'mural-kraken', branch: 'bo/fix' });
    await until(12);
    await closeClient(c);
    const receivedBy = Date.now();
    await sleep(250); // past the settle time, so the next flush carries both whole
    await listener.flushNow();

    const rows = await spans();
    const roots = rows.filter((r) => r.name === 'testenv.provision');
    expect(roots).toHaveLength(2);
    const ok = roots.find((r) => r.key === 'ana/faster-envs')!;
    expect(ok).toMatchObject({
      repo: 'mural-kraken',
      team: 'platform',
      status: 'ok',
      failure_category: null,
    });
    expect(JSON.parse(ok.attributes)).toEqual({ sha: 'abc1234def', ci_tests_complete: false });
    expect(ms(ok.ended_at) - ms(ok.started_at)).toBe(451_000);
    // Without |T the root ends when the total arrived.
    expect(ms(ok.ended_at)).toBeGreaterThanOrEqual(sentAt - 5);
    expect(ms(ok.ended_at)).toBeLessThanOrEqual(receivedBy);
    const phases = rows.filter((r) => r.parent_id === ok.span_id);
    expect(phases.map((p) => [p.name, ms(p.ended_at) - ms(p.started_at)])).toEqual([
      ['testenv.checks', 31_000],
      ['testenv.kubernetes', 240_000],
      ['testenv.wait_ready', 180_000],
    ]);
    expect(ms(phases[0]!.started_at)).toBe(ms(ok.started_at));

    const failed = roots.find((r) => r.key === 'bo/fix')!;
    expect(failed).toMatchObject({ status: 'error', failure_category: 'k8s_error' });
    expect(JSON.parse(failed.attributes)).toMatchObject({ ci_tests_complete: true });
    expect(ms(failed.ended_at) - ms(failed.started_at)).toBe(690_000);
    const failedPhases = rows.filter((r) => r.parent_id === failed.span_id);
    expect(failedPhases.map((p) => [p.name, p.status])).toEqual([
      ['testenv.checks', 'ok'],
      ['testenv.kubernetes', 'error'],
    ]);
    expect(rows.filter((r) => r.name === 'testenv.deprovision').map((r) => r.key)).toEqual(['bo/fix']);

    // The series are aggregated as before, beside the spans.
    const [n] = await store.store.query<{ v: number }>(
      `select sum(value) as v from metric_points where name = 'testenv.provision.total_duration.count'`,
    );
    expect(Number(n!.v)).toBe(2);
  });

  it('keeps a provisioning whose samples straddle a flush whole, and a failure without total', async () => {
    const { listener, until, spans, observer } = await setup(engine, 1);
    const c = client(listener.port);
    const tags = { repo: 'mural-kraken', branch: 'cy/split', sha: '0123abcd' };
    c.timing('testenv.checks.duration', 5_000, tags);
    c.timing('testenv.provision.total_duration', 20_000, tags);
    await until(2);
    await listener.flushNow(); // the outcome has not arrived: nothing is emitted yet
    expect((await spans()).length).toBe(0);
    expect(observer.pending()).toBe(1);
    c.increment('testenv.provision.success', 1, tags);
    c.increment('testenv.provision.failed', 1, {
      repo: 'mural-kraken',
      branch: 'dee/no-pr',
      failure_type: 'no_pr_found',
    });
    await until(4);
    await closeClient(c);
    await sleep(1100);
    await listener.flushNow();
    const rows = await spans();
    const roots = rows.filter((r) => r.name === 'testenv.provision');
    expect(roots.map((r) => [r.key, r.status, r.failure_category])).toEqual(
      expect.arrayContaining([
        ['cy/split', 'ok', null],
        ['dee/no-pr', 'error', 'no_pr_found'],
      ]),
    );
    expect(roots).toHaveLength(2);
    const split = roots.find((r) => r.key === 'cy/split')!;
    expect(ms(split.ended_at) - ms(split.started_at)).toBe(20_000);
    const noPr = roots.find((r) => r.key === 'dee/no-pr')!;
    expect(ms(noPr.ended_at)).toBe(ms(noPr.started_at));
    expect(rows.filter((r) => r.parent_id === split.span_id).map((r) => r.name)).toEqual(['testenv.checks']);
  });

  it('replays DogStatsD-dated lines idempotently: the same spans, once', async () => {
    const { listener, until, spans } = await setup(engine);
    const T = Math.floor(Date.UTC(2026, 8, 1, 12) / 1000);
    const tags = '#repo:mural-kraken,branch:ana/pr-9,sha:9abc9abc';
    const lines = [
      `testenv.checks.duration:700000|ms|${tags}|T${T - 400}`,
      `testenv.provision.kubernetes_duration:250000|ms|${tags}|T${T - 150}`,
      `testenv.provision.wait_ready_duration:150000|ms|${tags}|T${T}`,
      `testenv.provision.total_duration:1100000|ms|${tags}|T${T}`,
      `testenv.provision.success:1|c|${tags}|T${T}`,
    ].join('\n');
    const c = client(listener.port);
    for (let i = 0; i < 2; i++) {
      c.socket.send(Buffer.from(lines), 0, lines.length, listener.port, '127.0.0.1');
      await until(5 * (i + 1));
      await sleep(250);
      await listener.flushNow();
    }
    await closeClient(c);
    const rows = await spans();
    expect(rows).toHaveLength(4);
    const root = rows.find((r) => r.name === 'testenv.provision')!;
    expect(ms(root.ended_at)).toBe(T * 1000);
    expect(ms(root.started_at)).toBe(T * 1000 - 1_100_000);
  });
});
