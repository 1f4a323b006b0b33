import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitwallApiError, PitwallClient } from '../../src/client/index.js';
import { createDemo } from '../../src/demo/generate.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * The correlation and ROI routes over HTTP with the typed client, on a small demo: what the
 * API answers is what the report computes, privacy-withheld cells are counted and never shown,
 * bad parameters are 400s naming the field.
 */
const END = new Date('2025-05-01T00:00:00Z');
const OPTIONS = { developers: 40, days: 90, seed: 3, end: END };
const KINDS = new Set([
  'team',
  'person',
  'repo',
  'commit',
  'pull_request',
  'review',
  'survey_response',
  'pipeline_run',
  'incident',
  'deployment',
  'annotation',
]);
// k = 7 of ~8 members a team: many team x month survey cells are withheld.
const config = testConfig({
  privacy: { min_group_size: 7 },
  costs: { developer_hour: 120, currency: 'EUR', platform_investment_per_year: 250_000 },
});

describe.each(ENGINES)('correlations and ROI over HTTP on %s', (engine) => {
  let t: TestStore;
  let server: RunningServer;
  let client: PitwallClient;
  beforeAll(async () => {
    t = await openTestStore(engine);
    for (const batch of createDemo(OPTIONS).batches(20_000)) {
      const mine = batch.filter((r) => KINDS.has(r.kind));
      if (mine.length) await ingest(t.store, mine);
    }
    await ensureFresh(t.store, config);
    server = await startServer({
      store: t.store,
      config,
      logger: pino({ level: 'silent' }),
      host: '127.0.0.1',
      port: 0,
      clock: () => END,
      schedule: false,
    });
    client = new PitwallClient({
      baseUrl: server.url,
      token: (await server.ctx.tokens.create('r', ['read'])).token,
    });
  }, 240_000);
  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
  });

  const failure = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(PitwallApiError);
    return e as PitwallApiError;
  };

  it('a pair: points are team x month cells, withheld survey cells are counted and left out', async () => {
    const r = await client.correlation({
      x: 'dx.survey.nps',
      y: 'github.prs.time_to_first_review_hours',
      bucket: 'month',
    });
    expect(r.bucket).toBe('month');
    expect(r.points.length).toBe(r.n);
    expect(r.withheld.cells).toBeGreaterThan(0);
    expect(r.withheld.reason).toMatch(/fewer than 7 people/);
    // Every shown point is a cell whose survey value the registry did not withhold.
    const nps = await client.metric('dx.survey.nps', {
      from: r.window.from,
      to: r.window.to,
      bucket: 'month',
      by: 'team',
    });
    const shown = new Set(nps.values.filter((v) => v.value !== null).map((v) => `${v.group}|${v.bucket}`));
    for (const p of r.points) expect(shown.has(`${p.team}|${p.bucket}`)).toBe(true);
    const held = nps.values.filter((v) => v.withheld).length;
    expect(r.withheld.cells).toBe(held);
    expect(r.caveat).toMatch(/not cause/);
  });

  it('bad parameters are 400s naming what to fix', async () => {
    const unknown = await failure(client.correlation({ x: 'dx.survey.nps', y: 'ci.jobs.queue_share_x' }));
    expect(unknown.status).toBe(400);
    expect(unknown.message).toMatch(/^y: unknown metric/);
    const notTeam = await failure(
      client.correlation({ x: 'ci.critical_path.job_share', y: 'dx.survey.nps' }),
    );
    expect(notTeam.status).toBe(400);
    expect(notTeam.message).toMatch(/^x: metric ci.critical_path.job_share cannot be split by team/);
    const same = await failure(client.correlation({ x: 'dx.survey.nps', y: 'dx.survey.nps' }));
    expect(same.message).toMatch(/two different metrics/);
    const bucket = await failure(
      client.correlation({ x: 'dx.survey.nps', y: 'github.prs.cycle_time_hours', bucket: 'day' }),
    );
    expect(bucket.status).toBe(400);
    const alpha = await failure(
      client.correlation({ x: 'dx.survey.nps', y: 'github.prs.cycle_time_hours', alpha: 2 }),
    );
    expect(alpha.message).toMatch(/alpha/);
    const roi = await failure(
      client.roi({ baseline: '2025-03-01..2025-02-01', current: '2025-04-01..2025-04-20' }),
    );
    expect(roi.status).toBe(400);
    expect(roi.message).toMatch(/baseline/);
  });

  it('the strongest table pairs every configured metric and is served again from memory', async () => {
    const a = await client.strongestCorrelations();
    const n = config.correlations.metrics.length;
    expect(a.relations.length).toBe((n * (n - 1)) / 2);
    expect(a.skipped).toEqual([]);
    expect(a.relations.length).toBeGreaterThan(0);
    expect(a.stale).toBe(false);
    const sig = a.relations.map((r) => r.significant);
    expect(sig).toEqual([...sig].sort((p, q) => Number(q) - Number(p)));
    const b = await client.strongestCorrelations();
    expect(b.computedAt).toBe(a.computedAt);
  });

  it('ROI: money in the configured currency, investment from costs, each input with its source', async () => {
    const r = await client.roi();
    expect(r.windows.from).toBe('data');
    expect(r.summary.currency).toBe('EUR');
    expect(r.summary.investmentPerYear).toBe(250_000);
    expect(r.summary.investmentText).toBe('€250k');
    expect(r.inputs.developerHour).toMatchObject({ value: 120, source: 'config' });
    expect(r.inputs.developers.source).toBe('measured');
    expect(r.items.map((i) => i.id)).toEqual(['ci_wait', 'testenv_provisioning', 'incidents']);
    const ci = r.items[0]!;
    // The demo's CI cache is on in the last weeks and off in the first: CI got faster.
    expect(ci.hoursPerYear!).toBeGreaterThan(0);
    expect(r.summary.valuePerYear!).toBeCloseTo(r.calculation.benefit.totalPerYear!, 6);
    expect(r.summary.valueText).toMatch(/^€[\d.]+[kM]?\/year$/);
  });
});

describe('pitwall correlate', () => {
  it('names a metric that cannot be split by team, and a missing second metric (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pitwall-correlate-'));
    const env = { PITWALL_DB: join(dir, 'w.duckdb') };
    const one = await cli(['correlate', 'dx.survey.nps'], { env });
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/give two metrics/);
    const bad = await cli(['correlate', 'dx.survey.nps', 'nope.nope.nope'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/y: unknown metric "nope.nope.nope"/);
    rmSync(dir, { recursive: true, force: true });
  });
});
