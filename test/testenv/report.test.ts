import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitwallApiError, PitwallClient } from '../../src/client/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { logLink, testenvReport } from '../../src/report/testenv.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { API, WEB, WINDOW, records } from './fixture.js';

const LOGS = 'https://logs.example.com/search?q=env:{id}&repo={repo}&branch={branch}';
const config = testConfig({ testenv: { ...testConfig().testenv, log_url: LOGS } });
const registry = registryFor(config);

describe.each(ENGINES)('test-environment report on %s (hand-built day)', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(t.store, records);
  });
  afterAll(async () => t?.cleanup());

  it('summary, failures, volume, early split and distribution carry the hand-worked answers', async () => {
    const r = await testenvReport(t.store, registry, { ...WINDOW, logUrl: LOGS });
    expect(r.summary).toMatchObject({ provisions: 9, reprovisions: 2 });
    expect(r.summary.p50Minutes).toBeCloseTo(8, 9);
    expect(r.summary.failureRate).toBeCloseTo(2 / 9, 9);
    expect(r.summary.perDay).toBeCloseTo(9, 9);
    expect(r.summary.ciDelayMedianMinutes).toBeCloseTo(8, 9);
    expect(r.summary.earlyShare).toBeCloseTo(0.5, 9);
    expect(r.summary.parallelMedianMinutes).toBeCloseTo(6, 9);
    expect(r.failures).toEqual([
      { category: 'k8s_error', count: 1, rate: 1 / 9 },
      { category: 'timeout_waiting_builds', count: 1, rate: 1 / 9 },
    ]);
    expect(r.volume.day.map((d) => [d.bucket.toISOString(), d.ok, d.failed])).toEqual([
      ['2025-01-06T00:00:00.000Z', 7, 2],
    ]);
    expect(r.early.map((e) => [e.early, e.complete, e.unreported])).toEqual([[2, 2, 5]]);
    expect(r.reprovisions.map((x) => x.count)).toEqual([2]);
    // Lead times 3, 6, 6, 8, 10, 12, 16 in 1-minute bins.
    expect(r.binMinutes).toBe(1);
    expect(r.distribution.reduce((s, d) => s + d.count, 0)).toBe(7);
    expect(r.distribution.find((d) => d.fromMinutes === 6)?.count).toBe(2);
    expect(r.phases[0]).toMatchObject({ checks: 2, kubernetes: 4, waitReady: 2 });
  });

  it('the 10 slowest, longest first, each with its log link; by repository; scoped to one repository', async () => {
    const r = await testenvReport(t.store, registry, { ...WINDOW, logUrl: LOGS });
    expect(r.slowest.map((s) => [s.id, s.minutes])).toEqual([
      ['P4', 30],
      ['P3', 25],
      ['P1', 16],
      ['P7', 12],
      ['P5', 10],
      ['P2', 8],
      ['P6', 6],
      ['P8', 6],
      ['P9', 3],
    ]);
    expect(r.slowest[0]).toMatchObject({ status: 'error', failure: 'timeout_waiting_builds', repo: WEB });
    expect(r.slowest[0]!.logUrl).toBe(
      'https://logs.example.com/search?q=env:P4&repo=acme%2Fweb&branch=feat-4',
    );
    expect(r.byRepo.map((x) => [x.repo, x.provisions, x.medianMinutes, x.failureRate])).toEqual([
      [API, 6, 9, 0],
      [WEB, 3, 6, 2 / 3],
    ]);
    const web = await testenvReport(t.store, registry, { ...WINDOW, repo: WEB, top: 2 });
    expect(web.summary.provisions).toBe(3);
    expect(web.slowest.map((s) => [s.id, s.logUrl])).toEqual([
      ['P4', null],
      ['P3', null],
    ]);
    expect(web.failures.map((f) => f.rate)).toEqual([1 / 3, 1 / 3]);
  });
});

describe('GET /api/v1/testenv', () => {
  let t: TestStore;
  let server: RunningServer;
  let client: PitwallClient;
  beforeAll(async () => {
    t = await openTestStore('duckdb');
    await ingest(t.store, records);
    server = await startServer({
      store: t.store,
      config,
      logger: pino({ level: 'silent' }),
      host: '127.0.0.1',
      port: 0,
      anonymousRead: true,
      clock: () => WINDOW.to,
      schedule: false,
    });
    client = new PitwallClient({ baseUrl: server.url });
  });
  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
  });

  it('answers the report with the configured log links, and refuses an unknown filter naming it', async () => {
    const q = { from: WINDOW.from.toISOString(), to: WINDOW.to.toISOString() };
    const r = await client.testenv(q);
    expect(r.summary.provisions).toBe(9);
    expect(r.slowest[0]!.logUrl).toContain('env:P4');
    expect((await client.testenv({ ...q, repo: API })).summary.provisions).toBe(6);
    const err = await client.testenv({ ...q, branch: 'feat-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PitwallApiError);
    expect((err as PitwallApiError).status).toBe(400);
    expect((err as PitwallApiError).message).toContain('"branch"');
  });
});

describe('log links', () => {
  it('fill {id}, {repo} and {branch} URL-encoded, and are null without a template', () => {
    expect(logLink('https://l/{repo}/{branch}?id={id}', { id: 'a b', repo: 'o/r', branch: 'f&x' })).toBe(
      'https://l/o%2Fr/f%26x?id=a%20b',
    );
    expect(logLink(null, { id: 'x', repo: null, branch: null })).toBeNull();
  });
});
