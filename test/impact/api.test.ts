import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitwallApiError, PitwallClient } from '../../src/client/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { impactAnalysis } from '../../src/report/impact/index.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { API, END, impactFixture } from './fixture.js';

const LEAD = 'testenv.provision.duration_p50_minutes';
const config = testConfig({ costs: { developer_hour: 120, currency: 'GBP' } });
const silent = { level: 'silent' } as const;

describe.each(ENGINES)('annotations and impact over HTTP with the typed client on %s', (engine) => {
  let t: TestStore;
  let server: RunningServer;
  let reader: PitwallClient;
  let writer: PitwallClient;
  let id: string;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(
      t.store,
      impactFixture().filter((r) => !(r.kind === 'annotation' && r.category === 'optimisation')),
    );
    const { pino } = await import('pino');
    server = await startServer({
      store: t.store,
      config,
      logger: pino(silent),
      host: '127.0.0.1',
      port: 0,
      clock: () => END,
      schedule: false,
    });
    reader = new PitwallClient({
      baseUrl: server.url,
      token: (await server.ctx.tokens.create('r', ['read'])).token,
    });
    writer = new PitwallClient({
      baseUrl: server.url,
      token: (await server.ctx.tokens.create('w', ['ingest'])).token,
    });
  });
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
  const count = async () =>
    Number((await t.store.query<{ n: number }>('select count(*) as n from annotations'))[0]!.n);

  it('POST /api/v1/annotations records one (scope ingest); GET lists it by metric', async () => {
    const made = await writer.annotate({
      title: 'Provision as soon as images are built',
      at: '2025-03-31T00:00:00Z',
      metric: LEAD,
      category: 'optimisation',
    });
    id = made.id;
    expect(made.occurred_at).toBe('2025-03-31T00:00:00.000Z');
    const { annotations } = await reader.annotations({ metric: LEAD });
    expect(annotations).toEqual([
      {
        id,
        occurred_at: '2025-03-31T00:00:00.000Z',
        title: 'Provision as soon as images are built',
        team: null,
        repo: null,
        category: 'optimisation',
        metric: LEAD,
      },
    ]);
    expect((await reader.annotations()).annotations).toHaveLength(2);
    expect((await failure(reader.annotate({ title: 'x' }))).status).toBe(403);
  });

  it('GET /api/v1/impact answers what impactAnalysis computes; format=markdown is the summary', async () => {
    const r = await reader.impact({ metric: LEAD, annotation: id, repo: API });
    const direct = await impactAnalysis(t.store, server.ctx.registry, config.costs, {
      metric: LEAD,
      annotation: id,
      where: { repo: API },
      now: END,
    });
    expect(r).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(r.comparisons[0]!.business!.currency).toBe('GBP');
    const res = await fetch(
      `${server.url}/api/v1/impact?metric=${LEAD}&annotation=${id}&repo=${encodeURIComponent(API)}&format=markdown`,
      { headers: { authorization: `Bearer ${(await server.ctx.tokens.create('r2', ['read'])).token}` } },
    );
    expect(res.headers.get('content-type')).toContain('text/markdown');
    const md = await res.text();
    expect(md).toContain(
      `**£${Math.round(r.comparisons[0]!.business!.moneyPerYear!.value!).toLocaleString('en-US')} in productivity gains**`,
    );
  });

  it.each([
    [
      { metric: 'testenv.provision.duraton_p50_minutes', annotation: 'x' },
      /did you mean testenv\.provision\.duration_p50_minutes/,
    ],
    [{ metric: LEAD, annotation: 'nope' }, /no annotation with id "nope"/],
    [{ metric: LEAD, before: '2025-03-03..2025-03-20', after: '2025-03-10..2025-04-01' }, /overlap/],
    [{ metric: LEAD, before: '2025-03-03..2025-13-01', after: '2025-03-10..2025-04-01' }, /not a date/],
    [{ metric: LEAD, before: '2024-01-01..2024-02-01', after: '2025-03-10..2025-04-01' }, /no events/],
    [{ metric: LEAD, annotation: 'x', branch: 'main' }, /cannot be filtered by "branch"/],
    [{ metric: LEAD, annotation: 'x', resamples: 5 }, /resamples: 5 is not a whole number from 100/],
    [{ metric: LEAD }, /--annotation ID/],
    [{ metric: LEAD, annotation: 'x', days: 100_000 }, /more than server\.max_window_days/],
  ])('GET /api/v1/impact %j is 400 naming the fix', async (q, message) => {
    const e = await failure(reader.impact(q));
    expect(e.status).toBe(400);
    expect(e.code).toBe('invalid_argument');
    expect(e.message).toMatch(message);
  });

  it('POST /api/v1/annotations with a bad field is 400 and writes nothing', async () => {
    const before = await count();
    for (const [body, message] of [
      [{ title: 'x', metric: 'testenv.provision.duraton_p50_minutes' }, /did you mean/],
      [{ title: '' }, /title/],
      [{ title: 'x', at: '2025-02-30' }, /at/],
      [{ title: 'x', colour: 'red' }, /colour|unrecognized/i],
    ] as const) {
      const e = await failure(writer.annotate(body as { title: string }));
      expect(e.status).toBe(400);
      expect(e.message).toMatch(message);
    }
    expect(await count()).toBe(before);
  });
});
