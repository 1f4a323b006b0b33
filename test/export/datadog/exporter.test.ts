import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readSource } from '../../../src/collectors/sources.js';
import type { Config } from '../../../src/config/schema.js';
import { createDemo } from '../../../src/demo/generate.js';
import { ensureFresh } from '../../../src/enrich/index.js';
import { datadogExporter } from '../../../src/export/datadog/exporter.js';
import { EXPORTER_HEARTBEAT } from '../../../src/export/datadog/health-metrics.js';
import { categoryTag, datadogTag } from '../../../src/export/datadog/names.js';
import { STANDARD_GROUPS } from '../../../src/export/metric-series.js';
import { runExporter } from '../../../src/export/run.js';
import { ingestBatches } from '../../../src/ingest/ingest.js';
import { registryFor } from '../../../src/metrics/definitions/index.js';
import type { MetricRegistry } from '../../../src/metrics/registry/registry.js';
import { testConfig } from '../../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../../helpers/stores.js';
import { startFakeDatadog, validateSeriesPayload, type FakeDatadog } from '../../datadog/server.js';

const DEMO_END = new Date('2025-03-01T06:00:00Z');
const DAY = 86_400_000;
const silent = pino({ level: 'silent' });

describe.each(ENGINES)('datadog export on %s', (engine) => {
  let t: TestStore;
  let dd: FakeDatadog;
  let config: Config;
  let registry: MetricRegistry;

  const run = (
    opts: {
      options?: unknown;
      dryRun?: boolean;
      cfg?: Config;
      env?: Record<string, string>;
      out?: (s: string) => void;
    } = {},
  ) =>
    runExporter(datadogExporter, opts.options ?? {}, {
      store: t.store,
      registry,
      config: opts.cfg ?? config,
      clock: () => DEMO_END,
      logger: silent,
      env: opts.env ?? { DD_API_KEY: dd.apiKey },
      cwd: process.cwd(),
      dryRun: !!opts.dryRun,
      out: opts.out ?? (() => undefined),
    });

  beforeAll(async () => {
    t = await openTestStore(engine);
    dd = await startFakeDatadog();
    const base = testConfig();
    // The demo's two teams have 8 people each: with 9 their personal values are withheld, the org's (16) are not.
    config = {
      ...base,
      privacy: { ...base.privacy, min_group_size: 9 },
      datadog: { ...base.datadog, api_url: dd.url, tags: ['instance:test'] },
    } as Config;
    registry = registryFor(config);
    await ingestBatches(
      t.store,
      createDemo({ developers: 16, days: 30, seed: 7, end: new Date('2025-03-01T00:00:00Z') }).batches(
        10_000,
      ),
    );
    await ensureFresh(t.store, config);
  }, 240_000);

  afterAll(async () => {
    await dd?.close();
    await t?.cleanup();
  });

  beforeEach(() => {
    dd.requests.length = 0;
    dd.points.clear();
    dd.faults.length = 0;
  });

  it('sends every registry value as a point, validated by the client models; re-runs rewrite the same points', async () => {
    const first = await run({ options: { since: '7d' } });
    expect(first.requests).toBeGreaterThan(0);
    expect(dd.requests.every((r) => r.status === 202)).toBe(true);
    // Sources' health series grow by the exporter's own row after the first run; the rest is fixed.
    const fixed = () => [...dd.points].filter(([, v]) => !v.metric.startsWith('pitwall.sources.'));
    const keys = fixed()
      .map(([k]) => k)
      .sort();
    const values = new Map([...dd.points].map(([k, v]) => [k, v.value]));
    const sent = [...dd.points.values()].filter(
      (p) => p.metric !== EXPORTER_HEARTBEAT && !p.metric.startsWith('pitwall.'),
    );
    expect(sent.length).toBe(first.points);

    // Ground truth: each point is the registry's value for its day and group; nothing else is sent.
    const from = new Date(Math.floor((DEMO_END.getTime() - 7 * DAY) / DAY) * DAY);
    let expected = 0;
    for (const def of registry.list()) {
      const groups = [null, ...STANDARD_GROUPS.filter((g) => def.groupBy.includes(g))];
      for (const by of groups) {
        const rows = await registry.compute(t.store, def.name, { from, to: DEMO_END, bucket: 'day', by });
        for (const r of rows) {
          if (r.value === null || !r.bucket || (by && r.group === null)) continue;
          expected++;
          const got = sent.find(
            (p) =>
              p.metric === def.name &&
              p.timestamp === r.bucket!.getTime() / 1000 &&
              p.tags.includes(categoryTag(def.name)) &&
              (by
                ? p.tags.includes(datadogTag(by, r.group!))
                : !p.tags.some((x) => STANDARD_GROUPS.some((g) => x.startsWith(`${g}:`)))),
          );
          expect(got, `${def.name} ${by ?? ''}=${r.group ?? ''} ${r.bucket.toISOString()}`).toBeDefined();
          // Sent at 12 significant digits.
          expect(Math.abs(got!.value - r.value)).toBeLessThanOrEqual(1e-11 * Math.max(1, Math.abs(r.value)));
        }
      }
    }
    expect(sent.length).toBe(expected);
    // Withheld personal values never leave: the demo's teams are below min_group_size.
    const personal = registry
      .list()
      .filter((d) => d.personal)
      .map((d) => d.name);
    expect(sent.some((p) => personal.includes(p.metric) && p.tags.some((x) => x.startsWith('team:')))).toBe(
      false,
    );
    expect(first.facts?.withheld).toBeGreaterThan(0);
    expect(sent.every((p) => p.tags.includes('instance:test'))).toBe(true);

    // The health row, like a collector's.
    const row = await readSource(t.store, 'exporter:datadog');
    expect(row?.kind).toBe('exporter');
    expect(row?.last_success_at).toBeTruthy();
    expect(Number(row?.records)).toBe(first.points);

    const second = await run({ options: { since: '7d' } });
    expect(second.points).toBe(first.points);
    expect(
      fixed()
        .map(([k]) => k)
        .sort(),
    ).toEqual(keys);
    for (const [k, v] of fixed()) {
      expect(v.writes, k).toBe(2);
      expect(v.value, k).toBeCloseTo(values.get(k)!, 9);
    }
  }, 240_000);

  it('retries injected 429 and 5xx answers and sends everything once accepted', async () => {
    dd.faults.push(429, 503);
    const out = await run({
      options: { metrics: ['ci.runs.count', 'github.prs.cycle_time_hours'], since: '10d' },
    });
    expect(dd.requests.map((r) => r.status).slice(0, 3)).toEqual([429, 503, 202]);
    expect(out.facts?.rate_limited).toBe(1);
    expect(out.facts?.server_errors).toBe(1);
    const count = [...dd.points.values()].filter((p) => p.metric === 'ci.runs.count');
    expect(count.length).toBeGreaterThan(0);
    expect(count.every((p) => p.writes === 1)).toBe(true);
  }, 60_000);

  it('batches within max_payload_bytes and a dry run prints the same bodies, accepted by the client models', async () => {
    const options = {
      metrics: ['ci.runs.count', 'ci.runs.duration_p90_minutes', 'github.prs.merged'],
      since: '30d',
    };
    const small = { ...config, datadog: { ...config.datadog, max_payload_bytes: 10_000 } } as Config;
    const res = await run({ options, cfg: small });
    const posts = dd.requests.filter((r) => r.path === '/api/v2/series');
    expect(posts.length).toBeGreaterThan(2);
    expect(posts.every((r) => r.status === 202 && r.bytes <= 10_000)).toBe(true);
    const sentPoints = new Map([...dd.points].map(([k, v]) => [k, v.value]));

    dd.requests.length = 0;
    const lines: string[] = [];
    const dry = await run({ options, cfg: small, dryRun: true, env: {}, out: (s) => lines.push(s) });
    expect(dry.requests).toBe(0);
    expect(dd.requests.length).toBe(0);
    expect(dry.points).toBe(res.points);
    const printed = new Map<string, number>();
    for (const line of lines) {
      const payload = validateSeriesPayload(JSON.parse(line));
      for (const s of payload.series)
        for (const p of s.points)
          printed.set(`${s.metric}|${[...(s.tags ?? [])].sort().join(',')}|${p.timestamp}`, p.value!);
    }
    expect(printed).toEqual(sentPoints);
    expect(lines.join('\n')).not.toContain(dd.apiKey);
    // A percentile carries its percentile tag, a count its interval.
    const p90 = lines
      .map((l) => JSON.parse(l))
      .flatMap((b) => b.series)
      .find((s: { metric: string }) => s.metric === 'ci.runs.duration_p90_minutes');
    expect(p90.tags).toContain('percentile:p90');
    expect(p90.type).toBe(3);
    const cnt = lines
      .map((l) => JSON.parse(l))
      .flatMap((b) => b.series)
      .find((s: { metric: string }) => s.metric === 'ci.runs.count');
    expect(cnt).toMatchObject({ type: 1, interval: 86400 });
  }, 60_000);

  it('a refused key is a failed run in the health row, without the key in it', async () => {
    await expect(
      run({ options: { metrics: ['ci.runs.count'] }, env: { DD_API_KEY: 'wrong-key-456' } }),
    ).rejects.toThrow();
    const row = await readSource(t.store, 'exporter:datadog');
    expect(row?.last_error).toBeTruthy();
    expect(row?.last_error).not.toContain('wrong-key-456');
    expect(dd.points.size).toBe(0);
  });

  it('no key, a bad since or an unknown metric: refused before anything is sent', async () => {
    await expect(run({ options: { metrics: ['ci.runs.count'] }, env: {} })).rejects.toThrow(/DD_API_KEY/);
    await expect(run({ options: { since: 'yesterday-ish' } })).rejects.toThrow(/since/);
    await expect(run({ options: { metrics: ['ci.runs.nope'] } })).rejects.toThrow(/unknown metric/);
    expect(dd.requests.length).toBe(0);
  });
});
