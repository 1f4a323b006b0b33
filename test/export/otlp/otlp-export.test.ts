import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../../../src/demo/generate.js';
import { ensureFresh } from '../../../src/enrich/index.js';
import { metricSeries } from '../../../src/export/metric-series.js';
import { ingestBatches } from '../../../src/ingest/ingest.js';
import { registryFor } from '../../../src/metrics/definitions/index.js';
import { startServer, type RunningServer } from '../../../src/server/server.js';
import { cli } from '../../helpers/cli.js';
import { testConfig } from '../../helpers/collect-git.js';
import { ENGINES, openTestStore, queryOnce, storeEnv, type TestStore } from '../../helpers/stores.js';
import { DEMO_END, silent } from '../../server/setup.js';

const SINCE = '2025-02-01';
const UNTIL = '2025-03-01';

/** 12 significant digits: two computations may add the same values in another order. */
const r12 = (v: number) => Number(v.toPrecision(12));
const pointKey = (metric: string, attrs: Record<string, unknown>, at: Date | string | number) =>
  `${metric} ${JSON.stringify(Object.entries(attrs).sort())} ${new Date(at).toISOString()}`;

describe.each(ENGINES)("pitwall export otlp to Pitwall's own OTLP receiver, on %s", (engine) => {
  let source: TestStore;
  let sink: TestStore;
  let receiver: RunningServer;
  let token: string;
  let dir: string;
  /** The registry's daily points over the window, as metric-series gives them. */
  const expected = new Map<string, number>();
  let withheld = 0;
  const env = (extra: Record<string, string> = {}) => ({
    ...storeEnv(source),
    OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${token}`,
    ...extra,
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pitwall-otlp-export-'));
    source = await openTestStore(engine);
    const config = testConfig();
    await ingestBatches(
      source.store,
      createDemo({ developers: 16, days: 30, seed: 7, end: DEMO_END }).batches(10_000),
    );
    await ensureFresh(source.store, config);
    const registry = registryFor(config);
    for await (const set of metricSeries(source.store, registry, {
      since: new Date(SINCE),
      now: new Date(UNTIL),
    })) {
      withheld += set.withheld;
      for (const s of set.series)
        for (const p of s.points)
          expected.set(
            pointKey(s.metric, s.group ? { [s.group.by]: s.group.value } : {}, p.timestamp),
            r12(p.value),
          );
    }
    // The CLI opens the store itself (DuckDB takes one opener at a time).
    await source.store.close();
    sink = await openTestStore(engine);
    receiver = await startServer({
      store: sink.store,
      config: testConfig(),
      logger: silent,
      host: '127.0.0.1',
      port: 0,
      schedule: false,
    });
    token = (await receiver.ctx.tokens.create('otlp-export', ['ingest'])).token;
  }, 180_000);

  afterAll(async () => {
    await receiver?.close();
    await sink?.cleanup();
    await source?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const received = async () => {
    const rows = await sink.store.query<{
      name: string;
      occurred_at: Date;
      value: number;
      tags: string;
      type: string;
    }>('select name, occurred_at, value, tags, type from metric_points order by name, occurred_at, tags');
    const out = new Map<string, number>();
    for (const r of rows) {
      const tags = JSON.parse(r.tags) as Record<string, unknown>;
      expect(tags['service.name']).toBe('pitwall');
      expect(r.type).toBe('gauge');
      delete tags['service.name'];
      out.set(pointKey(r.name, tags, r.occurred_at), r12(Number(r.value)));
    }
    return out;
  };

  it('sends every daily point of the registry, which the receiver stores as the same values', async () => {
    expect(expected.size).toBeGreaterThan(1000);
    const r = await cli(
      [
        'export',
        'otlp',
        '--endpoint',
        receiver.url,
        '--since',
        SINCE,
        '--until',
        UNTIL,
        '--batch-points',
        '2000',
        '--json',
      ],
      { cwd: dir, env: env() },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      exporter: 'otlp',
      points: expected.size,
      requests: Math.ceil(expected.size / 2000),
      withheld,
      endpoint: `${receiver.url}/v1/metrics`,
    });
    const got = await received();
    expect(got.size).toBe(expected.size);
    const diff = [...expected].filter(([k, v]) => got.get(k) !== v);
    expect(diff.slice(0, 5)).toEqual([]);
    // Grouped and ungrouped series both arrive, with the registry's group as the attribute.
    expect([...got.keys()].some((k) => k.includes('[["team",'))).toBe(true);
    expect([...got.keys()].some((k) => k.includes(' [] '))).toBe(true);
    // The run is the exporter's health, as a collector's.
    const [health] = await queryOnce<{
      id: string;
      kind: string;
      records: number;
      last_error: string | null;
    }>(source, "select id, kind, records, last_error from sources where id = 'exporter:otlp'");
    expect(health).toMatchObject({ kind: 'exporter', last_error: null });
    expect(Number(health!.records)).toBe(expected.size);
  });

  it('sends the same points again on a re-run: nothing new, nothing changed', async () => {
    const before = await received();
    const r = await cli(['export', 'otlp', '--endpoint', receiver.url, '--since', SINCE, '--until', UNTIL], {
      cwd: dir,
      env: env(),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`otlp: ${expected.size} point\\(s\\)`));
    expect(await received()).toEqual(before);
  });

  it('prints the same requests on a dry run, identical across runs, without the headers', async () => {
    const args = [
      'export',
      'otlp',
      '--metrics',
      'github.prs.cycle_time_hours,ci.runs.count',
      '--since',
      SINCE,
      '--until',
      UNTIL,
      '--dry-run',
    ];
    const a = await cli(args, { cwd: dir, env: env() });
    const b = await cli(args, { cwd: dir, env: env() });
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(`${a.stdout}${a.stderr}`).not.toContain(token);
    const lines = a.stdout.trim().split('\n');
    const printed = new Map<string, number>();
    for (const line of lines) {
      const req = JSON.parse(line) as {
        resourceMetrics: {
          resource: { attributes: { key: string; value: { stringValue: string } }[] };
          scopeMetrics: {
            metrics: {
              name: string;
              gauge: {
                dataPoints: {
                  attributes: { key: string; value: { stringValue: string } }[];
                  timeUnixNano: string;
                  asDouble: number;
                }[];
              };
            }[];
          }[];
        }[];
      };
      expect(req.resourceMetrics[0]!.resource.attributes).toEqual([
        { key: 'service.name', value: { stringValue: 'pitwall' } },
      ]);
      for (const m of req.resourceMetrics[0]!.scopeMetrics[0]!.metrics)
        for (const p of m.gauge.dataPoints)
          printed.set(
            pointKey(
              m.name,
              Object.fromEntries(p.attributes.map((x) => [x.key, x.value.stringValue])),
              Number(BigInt(p.timeUnixNano) / 1_000_000n),
            ),
            r12(p.asDouble),
          );
    }
    const want = [...expected].filter(([k]) => /^(github\.prs\.cycle_time_hours|ci\.runs\.count) /.test(k));
    expect(want.length).toBeGreaterThan(50);
    expect(printed).toEqual(new Map(want));
    // What the dry run prints is OTLP/JSON the receiver itself accepts.
    const res = await fetch(`${receiver.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: lines[0],
    });
    expect(res.status).toBe(200);
  });

  it('refuses a missing or bad endpoint, bad flags and a refused token with exit 2, naming the fix and never the token', async () => {
    const base = ['export', 'otlp', '--since', SINCE, '--until', UNTIL];
    const cases: [string[], Record<string, string>, RegExp][] = [
      [base, {}, /no OTLP endpoint: pass --endpoint/],
      [[...base, '--endpoint', 'collector:4318:x'], {}, /--endpoint (is not a URL|must be an http)/],
      [[...base, '--endpoint', 'ftp://collector'], {}, /must be an http:\/\/ or https:\/\/ URL/],
      [base, { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, /OTEL_EXPORTER_OTLP_ENDPOINT is not a URL/],
      [[...base, '--endpoint', receiver.url, '--since', 'yesterday'], {}, /--since "yesterday" is not/],
      [
        [...base, '--endpoint', receiver.url, '--metrics', 'ci.nope'],
        {},
        /--metrics: unknown metric "ci.nope"/,
      ],
      [
        [...base, '--endpoint', receiver.url, '--batch-points', '0'],
        {},
        /--batch-points "0": give a whole number/,
      ],
      [[...base, '--endpoint', receiver.url, '--until', '2025-02-30'], {}, /--until "2025-02-30" is not/],
      [
        ['export', 'otlp', '--endpoint', receiver.url, '--since', UNTIL, '--until', UNTIL],
        {},
        /leaves no whole UTC day/,
      ],
      [
        [...base, '--endpoint', receiver.url],
        { OTEL_EXPORTER_OTLP_HEADERS: 'Authorization' },
        /entry 1 is not key=value/,
      ],
    ];
    for (const [args, extra, message] of cases) {
      const r = await cli(args, { cwd: dir, env: { ...storeEnv(source), ...extra } });
      expect({ args, extra, code: r.code, stderr: r.stderr }).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(message),
      });
    }
    const bad = await cli([...base, '--endpoint', receiver.url], {
      cwd: dir,
      env: { ...storeEnv(source), OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20not-the-token-s3cr3t' },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /refused the metrics with HTTP 401: check the credentials in OTEL_EXPORTER_OTLP_HEADERS/,
    );
    expect(bad.stderr).not.toContain('s3cr3t');
  });

  it('names an endpoint where nothing listens (exit 2) and a failing one (exit 1), recording the failure', async () => {
    const closed: Server = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await cli(
      [
        'export',
        'otlp',
        '--endpoint',
        `http://127.0.0.1:${port}`,
        '--since',
        SINCE,
        '--until',
        UNTIL,
        '--metrics',
        'ci.runs.count',
      ],
      {
        cwd: dir,
        env: env(),
      },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(
        `nothing answers at the OTLP endpoint http://127.0.0.1:${port}/v1/metrics \\(ECONNREFUSED\\)`,
      ),
    );

    // A receiver that answers 400 with a google.rpc.Status: not retried, a failed run.
    const broken = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 3, message: 'metric name too long' }));
      });
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(broken.address() as { port: number }).port}`;
    try {
      const failed = await cli(
        [
          'export',
          'otlp',
          '--endpoint',
          url,
          '--since',
          SINCE,
          '--until',
          UNTIL,
          '--metrics',
          'ci.runs.count',
        ],
        {
          cwd: dir,
          env: env(),
        },
      );
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/the OTLP export to .*\/v1\/metrics failed: .*\(metric name too long\)/);
      expect(failed.stderr).not.toContain(token);
    } finally {
      await new Promise<void>((r) => broken.close(() => r()));
    }
    const [health] = await queryOnce<{ last_error: string | null }>(
      source,
      "select last_error from sources where id = 'exporter:otlp'",
    );
    expect(health?.last_error).toMatch(/metric name too long/);
  });
});
