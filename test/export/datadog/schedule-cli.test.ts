import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSource } from '../../../src/collectors/sources.js';
import type { Config } from '../../../src/config/schema.js';
import { createDemo } from '../../../src/demo/generate.js';
import { ensureFresh } from '../../../src/enrich/index.js';
import { ingestBatches } from '../../../src/ingest/ingest.js';
import { loadConfig } from '../../../src/plugins.js';
import { startServer, type RunningServer } from '../../../src/server/server.js';
import { cli } from '../../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../../helpers/stores.js';
import { startFakeDatadog, validateSeriesPayload, type FakeDatadog } from '../../datadog/server.js';

const silent = pino({ level: 'silent' });
const END = new Date('2025-03-01T00:00:00Z');

function yamlDir(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-dd-'));
  writeFileSync(join(dir, 'pitwall.yaml'), text);
  return dir;
}

describe('exporters: config', () => {
  const load = (text: string) => () => loadConfig({ cwd: yamlDir(text), env: {} });
  it('accepts a datadog job and refuses a bad cron, an unknown exporter or a bad option, naming the key', () => {
    const ok = loadConfig({
      cwd: yamlDir(
        "exporters:\n  - exporter: datadog\n    schedule: '*/15 * * * *'\n    options: { since: 2d }\n",
      ),
      env: {},
    });
    expect(ok.exporters[0]).toMatchObject({
      exporter: 'datadog',
      schedule: '*/15 * * * *',
      options: { since: '2d' },
    });
    expect(load("exporters:\n  - exporter: datadog\n    schedule: 'every now and then'\n")).toThrow(
      /exporters\.0\.schedule/,
    );
    expect(load("exporters:\n  - exporter: newrelic\n    schedule: '* * * * *'\n")).toThrow(
      /exporters\.0\.exporter.*unknown exporter "newrelic"/s,
    );
    expect(
      load("exporters:\n  - exporter: datadog\n    schedule: '* * * * *'\n    options: { since: soon }\n"),
    ).toThrow(/exporters\.0\.options\.since/);
    expect(load('datadog:\n  site: mars\n')).toThrow(/datadog\.site/);
  });
});

describe.each(ENGINES)('scheduled and CLI datadog export on %s', (engine) => {
  let t: TestStore;
  let dd: FakeDatadog;
  let server: RunningServer | undefined;
  let dir: string;

  beforeAll(async () => {
    t = await openTestStore(engine);
    dd = await startFakeDatadog();
    await ingestBatches(t.store, createDemo({ developers: 16, days: 10, seed: 3, end: END }).batches(10_000));
    await ensureFresh(t.store, loadConfig({ cwd: '/nonexistent', env: {} }));
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    await dd?.close();
    await t?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a scheduled export inside a running server reaches Datadog and writes its health row', async () => {
    const base = loadConfig({ cwd: '/nonexistent', env: {} });
    const config = {
      ...base,
      datadog: { ...base.datadog, api_url: dd.url },
      exporters: [
        {
          exporter: 'datadog',
          schedule: '* * * * * *',
          options: { metrics: ['ci.runs.count'], since: '5d' },
        },
      ],
    } as Config;
    server = await startServer({
      store: t.store,
      config,
      logger: silent,
      host: '127.0.0.1',
      port: 0,
      env: { DD_API_KEY: dd.apiKey },
      clock: () => END,
    });
    const deadline = Date.now() + 30_000;
    while (!(await readSource(t.store, 'exporter:datadog'))?.last_success_at && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    await server.close();
    server = undefined;
    const row = await readSource(t.store, 'exporter:datadog');
    expect(row?.kind).toBe('exporter');
    expect(row?.last_success_at).toBeTruthy();
    const counts = [...dd.points.values()].filter((p) => p.metric === 'ci.runs.count');
    expect(counts.length).toBeGreaterThan(0);
    // Every tick rewrote the same points: Datadog holds one value per (series, day).
    const days = new Set(counts.filter((p) => p.tags.length === 1).map((p) => p.timestamp));
    expect(counts.filter((p) => p.tags.length === 1).length).toBe(days.size);
  }, 60_000);

  it('CLI: --dry-run prints bodies the client accepts and sends nothing; bad flags exit 2 naming the flag', async () => {
    dir = yamlDir(
      `store:\n  ${t.config.duckdbPath ? `duckdb_path: ${t.config.duckdbPath}` : `database_url: ${t.config.databaseUrl}`}\ndatadog:\n  api_url: ${dd.url}\n`,
    );
    // The DuckDB file is held by the test's store: close it for the CLI's own process-wide open.
    if (engine === 'duckdb') await t.store.close();
    const before = dd.requests.length;
    const dry = await cli(
      [
        'export',
        'datadog',
        '--metrics',
        'ci.runs.count,github.prs.merged',
        '--since',
        '2025-02-20',
        '--dry-run',
      ],
      { cwd: dir, env: {} },
    );
    expect(dry.stderr).toContain('nothing sent');
    expect(dry.code).toBe(0);
    const bodies = dry.stdout.trim().split('\n');
    expect(bodies.length).toBeGreaterThan(0);
    for (const b of bodies) expect(validateSeriesPayload(JSON.parse(b)).series.length).toBeGreaterThan(0);
    expect(dd.requests.length).toBe(before);

    const bad = [
      [['--since', 'whenever'], /--since "whenever"/],
      [['--metrics', 'ci.runs.nope'], /--metrics: unknown metric "ci.runs.nope"/],
      [['--metrics', ' , '], /--metrics/],
      [[], /DD_API_KEY/],
    ] as const;
    for (const [args, msg] of bad) {
      const r = await cli(['export', 'datadog', ...args], { cwd: dir, env: {} });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    expect(dd.requests.length).toBe(before);

    const sent = await cli(
      ['export', 'datadog', '--metrics', 'ci.runs.count', '--since', '2025-02-25', '--json'],
      {
        cwd: dir,
        env: { DD_API_KEY: dd.apiKey },
      },
    );
    expect(sent.code, sent.stderr).toBe(0);
    const summary = JSON.parse(sent.stdout);
    expect(summary).toMatchObject({ exporter: 'datadog', dry_run: false });
    expect(summary.requests).toBeGreaterThan(0);
    expect(sent.stdout + sent.stderr).not.toContain(dd.apiKey);
    const list = await cli(['collectors', 'list', '--json'], { cwd: dir, env: {} });
    expect(list.stdout).toContain('exporter:datadog');
  }, 120_000);
});
