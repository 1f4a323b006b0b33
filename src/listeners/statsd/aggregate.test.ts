import { describe, expect, it } from 'vitest';
import { DDSketch } from '@datadog/sketches-js';
import { metricPoint, metricSketch } from '../../domain/kinds/experience.js';
import {
  StatsdAggregator,
  storedName,
  type MetricPointRecord,
  type MetricSketchRecord,
  type StatsdRecord,
} from './aggregate.js';
import { parseLine } from './parse.js';

const T0 = Date.UTC(2026, 11, 2, 6, 0, 0);

function feed(agg: StatsdAggregator, lines: string[], nowMs = T0): void {
  for (const l of lines) {
    const p = parseLine(l);
    if (p.kind !== 'metric') throw new Error(`not a metric: ${l}`);
    agg.add(p.sample, nowMs);
  }
}
const find = (records: StatsdRecord[], name: string, tags: Record<string, unknown> = {}) =>
  records
    .filter((p): p is MetricPointRecord => p.kind === 'metric_point')
    .filter((p) => p.name === name && JSON.stringify(p.tags) === JSON.stringify(tags));

describe('StatsD aggregation per flush interval', () => {
  it('sums counters scaled by sample rate, keyed by name and sorted tags', () => {
    const agg = new StatsdAggregator({ intervalSeconds: 10 });
    feed(agg, [
      'testenv.provision.failed:1|c|#failure_type:timeout,repo:a',
      'testenv.provision.failed:1|c|#repo:a,failure_type:timeout',
      'testenv.provision.failed:2|c|@0.5|#failure_type:timeout,repo:a',
      'testenv.provision.failed:1|c|#failure_type:image,repo:a',
      'testenv.provision.started:1:1:1|c',
    ]);
    const pts = agg.flush();
    expect(find(pts, 'testenv.provision.failed', { failure_type: 'timeout', repo: 'a' })).toEqual([
      expect.objectContaining({ type: 'count', value: 6, occurred_at: '2026-12-02T06:00:00.000Z' }),
    ]);
    expect(find(pts, 'testenv.provision.failed', { failure_type: 'image', repo: 'a' })[0]?.value).toBe(1);
    expect(find(pts, 'testenv.provision.started')[0]?.value).toBe(3);
    expect(agg.flush()).toEqual([]);
  });

  it('keeps the last gauge, applies deltas across flushes, and counts distinct set members', () => {
    const agg = new StatsdAggregator({ intervalSeconds: 10 });
    feed(agg, ['queue.depth:5|g', 'queue.depth:9|g', 'users.seen:a:b|s', 'users.seen:a|s', 'users.seen:c|s']);
    let pts = agg.flush();
    expect(find(pts, 'queue.depth')[0]).toMatchObject({ type: 'gauge', value: 9 });
    expect(find(pts, 'users.seen')[0]).toMatchObject({ type: 'gauge', value: 3 });
    feed(agg, ['queue.depth:+3|g', 'queue.depth:-1|g'], T0 + 10_000);
    pts = agg.flush();
    expect(find(pts, 'queue.depth')[0]).toMatchObject({ value: 11, occurred_at: '2026-12-02T06:00:10.000Z' });
  });

  it('gives exact count/sum/min/max and p50/p90/p99 within 1% for timings, histograms and distributions', () => {
    const agg = new StatsdAggregator({ intervalSeconds: 60 });
    const values: number[] = [];
    let x = 12345;
    for (let i = 0; i < 5000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      // Long-tailed like provisioning times: 20 s to ~20 min.
      values.push(Math.round(20_000 * Math.exp((x / 2 ** 31) * 4) * 100) / 100);
    }
    for (const [i, v] of values.entries()) {
      const type = ['ms', 'h', 'd'][i % 3];
      // One name across types would be dropped after the first: the three types go to three names.
      feed(agg, [`testenv.provision.total_duration:${v}|ms`, `t.${type}:${v}|${type}`]);
    }
    const pts = agg.flush();
    const sorted = [...values].sort((a, b) => a - b);
    const base = 'testenv.provision.total_duration';
    const one = (n: string) => find(pts, n)[0]!;
    expect(one(`${base}.count`)).toMatchObject({ type: 'count', value: 5000 });
    expect(one(`${base}.sum`).value).toBeCloseTo(
      values.reduce((a, b) => a + b, 0),
      3,
    );
    expect(one(`${base}.min`)).toMatchObject({ type: 'gauge', value: sorted[0] });
    expect(one(`${base}.max`).value).toBe(sorted.at(-1));
    for (const [s, q] of [
      ['p50', 0.5],
      ['p90', 0.9],
      ['p99', 0.99],
    ] as const) {
      const exact = sorted[Math.floor(q * (sorted.length - 1))]!;
      const got = one(`${base}.${s}`).value;
      expect(Math.abs(got - exact) / exact).toBeLessThanOrEqual(0.01);
    }
    for (const type of ['ms', 'h', 'd']) expect(one(`t.${type}.count`).value).toBeGreaterThan(1600);
  });

  it('weights sampled timings and buckets client timestamps into their own interval', () => {
    const agg = new StatsdAggregator({ intervalSeconds: 10 });
    feed(agg, ['job.wait:100|ms|@0.1', `job.wait:300|ms|T${T0 / 1000 - 25}`]);
    const pts = agg.flush();
    const counts = find(pts, 'job.wait.count');
    expect(counts.map((p) => [p.occurred_at, p.value]).sort()).toEqual([
      ['2026-12-02T05:59:30.000Z', 1],
      ['2026-12-02T06:00:00.000Z', 10],
    ]);
  });

  it('drops a second type for one name in an interval instead of mixing them', () => {
    const agg = new StatsdAggregator({ intervalSeconds: 10 });
    feed(agg, ['mixed.name:1|c', 'mixed.name:50|g']);
    expect(agg.flush()).toEqual([expect.objectContaining({ name: 'mixed.name', type: 'count', value: 1 })]);
  });

  it('keeps each interval as a mergeable sketch: merged, its percentiles are within 1% over all intervals', () => {
    const agg = new StatsdAggregator({ intervalSeconds: 10 });
    const values: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const v = 1 + ((i * 7919) % 3000) * (i % 3 === 0 ? 10 : 1);
      values.push(v);
      // Three intervals with different distributions.
      feed(agg, [`build.wait:${v}|d|#repo:a`], T0 + (i % 3) * 10_000);
    }
    const sketches = agg.flush().filter((r) => r.kind === 'metric_sketch');
    expect(sketches).toHaveLength(3);
    for (const s of sketches) expect(metricSketch.safeParse(s).success).toBe(true);
    const merged = new DDSketch({ relativeAccuracy: 0.01 });
    for (const s of sketches) merged.merge(DDSketch.fromProto(Buffer.from(s.sketch, 'base64')));
    expect(sketches.reduce((n, s) => n + s.count, 0)).toBe(3000);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99]) {
      const exact = sorted[Math.floor(q * (sorted.length - 1))]!;
      expect(Math.abs(merged.getValueAtQuantile(q) - exact) / exact).toBeLessThanOrEqual(0.01);
    }
  });

  it('stores names and tags the metric_point schema accepts', () => {
    expect(storedName('Provision-Time')).toBe('statsd.provision_time');
    expect(storedName('a..b.')).toBe('a.b');
    expect(storedName('...')).toBeNull();
    const agg = new StatsdAggregator({ intervalSeconds: 10 });
    feed(agg, ['My-App.Latency:5|d|#env:prod,canary', 'hits:1|c', '...:1|c']);
    expect(agg.unnamed).toBe(1);
    const pts = agg.flush();
    expect(pts.map((p) => p.name).sort()).toContain('statsd.hits');
    expect(find(pts, 'my_app.latency.p99', { canary: true, env: 'prod' })).toHaveLength(1);
    for (const p of pts)
      expect((p.kind === 'metric_point' ? metricPoint : metricSketch).safeParse(p).success, p.name).toBe(
        true,
      );
  });
});

describe('late samples within the lateness horizon', () => {
  const line = (l: string) => {
    const p = parseLine(l);
    if (p.kind !== 'metric') throw new Error(l);
    return p.sample;
  };
  const ts = (ms: number) => Math.floor(ms / 1000);

  it('re-flushes a flushed interval whole when a late sample lands in it: counters, sets, sketches', () => {
    const agg = new StatsdAggregator({ intervalSeconds: 10, lateHorizonSeconds: 600 });
    agg.add(line(`jobs.done:2|c|T${ts(T0)}`), T0 + 1000);
    agg.add(line(`jobs.who:a:b|s|T${ts(T0)}`), T0 + 1000);
    agg.add(line(`jobs.time:100:200|d|T${ts(T0)}`), T0 + 1000);
    let pts = agg.flush(T0 + 1000);
    expect(find(pts, 'jobs.done')[0]?.value).toBe(2);
    // Nothing changed: nothing is flushed again.
    expect(agg.flush(T0 + 5000)).toEqual([]);
    const late = T0 + 120_000;
    agg.add(line(`jobs.done:3|c|T${ts(T0 + 4000)}`), late);
    agg.add(line(`jobs.who:b:c|s|T${ts(T0 + 4000)}`), late);
    agg.add(line(`jobs.time:400|d|T${ts(T0 + 4000)}`), late);
    agg.add(line('jobs.done:1|c'), late);
    pts = agg.flush(late);
    const at = '2026-12-02T06:00:00.000Z';
    expect(find(pts, 'jobs.done').filter((p) => p.occurred_at === at)[0]?.value).toBe(5);
    expect(find(pts, 'jobs.who')[0]).toMatchObject({ occurred_at: at, value: 3 });
    expect(find(pts, 'jobs.time.count')[0]).toMatchObject({ occurred_at: at, value: 3 });
    expect(find(pts, 'jobs.time.max')[0]?.value).toBe(400);
    const sk = pts.find((p): p is MetricSketchRecord => p.kind === 'metric_sketch');
    expect(sk).toMatchObject({ occurred_at: at, count: 3, sum: 700, min: 100 });
    expect(DDSketch.fromProto(Buffer.from(sk!.sketch, 'base64')).count).toBe(3);
    // The undated sample went to the interval it arrived in.
    expect(find(pts, 'jobs.done').find((p) => p.occurred_at !== at)).toMatchObject({
      occurred_at: '2026-12-02T06:02:00.000Z',
      value: 1,
    });
    expect(agg.lateDropped).toBe(0);
  });

  it('drops and counts samples older than the horizon, and forgets intervals that closed', () => {
    const agg = new StatsdAggregator({ intervalSeconds: 10, lateHorizonSeconds: 60 });
    agg.add(line(`a.b:1|c|T${ts(T0)}`), T0);
    expect(agg.flush(T0)).toHaveLength(1);
    expect(agg.size).toBe(1);
    agg.add(line(`a.b:1|c|T${ts(T0)}`), T0 + 61_000);
    expect(agg.lateDropped).toBe(1);
    expect(agg.flush(T0 + 75_000)).toEqual([]);
    expect(agg.size).toBe(0);
  });

  it('without a horizon, flushes everything once and takes any timestamp (a replay of history)', () => {
    const agg = new StatsdAggregator({ intervalSeconds: 10 });
    agg.add(line(`a.b:1|c|T${ts(T0 - 90 * 86_400_000)}`), T0);
    expect(agg.flush(T0)).toHaveLength(1);
    expect(agg.size).toBe(0);
    expect(agg.lateDropped).toBe(0);
  });
});
