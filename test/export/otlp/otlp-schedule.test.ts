import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/schema.js';
import { createDemo } from '../../../src/demo/generate.js';
import { ensureFresh } from '../../../src/enrich/index.js';
import { metricSeries } from '../../../src/export/metric-series.js';
import { ingestBatches } from '../../../src/ingest/ingest.js';
import { loadConfig } from '../../../src/plugins.js';
import { startServer, type RunningServer } from '../../../src/server/server.js';
import { cli } from '../../helpers/cli.js';
import { testConfig } from '../../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../../helpers/stores.js';
import { DEMO_END, silent } from '../../server/setup.js';

const METRICS = ['ci.runs.count', 'github.prs.cycle_time_hours'];
const r12 = (v: number) => Number(v.toPrecision(12));

describe.each(ENGINES)('the otlp exporter scheduled by exporters: inside pitwall serve, on %s', (engine) => {
  let source: TestStore;
  let sink: TestStore;
  let receiver: RunningServer;
  let server: RunningServer;
  let dir: string;
  let config: Config;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pitwall-otlp-schedule-'));
    sink = await openTestStore(engine);
    receiver = await startServer({
      store: sink.store,
      config: testConfig(),
      logger: silent,
      host: '127.0.0.1',
      port: 0,
      schedule: false,
    });
    const token = (await receiver.ctx.tokens.create('scheduled-export', ['ingest'])).token;
    writeFileSync(
      join(dir, 'pitwall.yaml'),
      `exporters:\n  - exporter: otlp\n    schedule: '15 0 * * *'\n    options:\n` +
        `      endpoint: ${receiver.url}\n      since: 5d\n      metrics: [${METRICS.join(', ')}]\n`,
    );
    config = loadConfig({ cwd: dir, env: {} });
    source = await openTestStore(engine);
    await ingestBatches(
      source.store,
      createDemo({ developers: 16, days: 30, seed: 7, end: DEMO_END }).batches(10_000),
    );
    await ensureFresh(source.store, config);
    server = await startServer({
      store: source.store,
      config,
      logger: silent,
      host: '127.0.0.1',
      port: 0,
      schedule: false,
      clock: () => DEMO_END,
      env: { OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${token}` },
      cwd: dir,
    });
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await source?.cleanup();
    await sink?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs the job's tick: the last 5 whole days of the selected metrics reach the receiver, health recorded", async () => {
    const [job] = server.exports.jobs;
    const outcome = await server.exports.run(job!);
    const want = new Map<string, number>();
    for await (const set of metricSeries(source.store, server.ctx.registry, {
      metrics: METRICS,
      since: new Date(DEMO_END.getTime() - 5 * 86_400_000),
      now: DEMO_END,
    }))
      for (const s of set.series)
        for (const p of s.points)
          want.set(`${s.metric} ${s.group?.value ?? '-'} ${p.timestamp.toISOString()}`, r12(p.value));
    expect(want.size).toBeGreaterThan(20);
    expect(outcome?.points).toBe(want.size);
    const rows = await sink.store.query<{ name: string; occurred_at: Date; value: number; tags: string }>(
      'select name, occurred_at, value, tags from metric_points',
    );
    const got = new Map(
      rows.map((r) => {
        const tags = JSON.parse(r.tags) as Record<string, string>;
        const group = Object.entries(tags).find(([k]) => k !== 'service.name')?.[1] ?? '-';
        return [`${r.name} ${group} ${new Date(r.occurred_at).toISOString()}`, r12(Number(r.value))];
      }),
    );
    expect(got).toEqual(want);
    const [health] = await source.store.query<{ kind: string; records: number; last_error: string | null }>(
      "select kind, records, last_error from sources where id = 'exporter:otlp'",
    );
    expect(health).toMatchObject({ kind: 'exporter', last_error: null });
    expect(Number(health!.records)).toBe(want.size);
  });

  it('refuses a job whose options the exporter does not take, naming the key', async () => {
    writeFileSync(
      join(dir, 'bad.yaml'),
      `exporters:\n  - exporter: otlp\n    schedule: '15 0 * * *'\n    options: { endpoint: http://x:4318, batch_points: 0 }\n`,
    );
    const r = await cli(['--config', 'bad.yaml', 'prometheus', 'rules'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exporters\.0\.options\.batch_points/);
  });
});
