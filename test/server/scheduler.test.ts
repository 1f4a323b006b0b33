import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readSource } from '../../src/collectors/sources.js';
import { EnrichQueue } from '../../src/server/enrich-queue.js';
import { openStore } from '../../src/store/open.js';
import { Scheduler } from '../../src/server/scheduler.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { buildFixture, type Fixture } from '../helpers/git-repo.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { silent } from './setup.js';

const waitFor = async (check: () => Promise<boolean>, ms = 20_000) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out waiting');
};

describe.each(ENGINES)('collector schedule on %s', (engine) => {
  let t: TestStore | null = null;
  let server: RunningServer | null = null;
  const fx: Fixture = buildFixture();
  afterEach(async () => {
    await server?.close();
    server = null;
    await t?.cleanup();
    t = null;
  });
  afterAll(() => fx.repo.cleanup());

  it('runs a git collector on its (per-second) schedule and shows its health in sources', async () => {
    t = await openTestStore(engine);
    const config = testConfig({
      collectors: [
        { id: 'git', name: 'shop', schedule: '* * * * * *', options: { path: fx.repo.dir } },
        { id: 'git', name: 'missing', schedule: '* * * * * *', options: { path: '/nonexistent/repo' } },
      ],
    });
    server = await startServer({ store: t.store, config, logger: silent, host: '127.0.0.1', port: 0 });
    const store = t.store;
    await waitFor(async () => (await readSource(store, 'git:acme/shop'))?.last_success_at != null);
    await waitFor(async () => (await readSource(store, 'git:missing'))?.last_error != null);
    const [commits] = await store.query<{ n: number }>(
      `select count(*) as n from commits where repo = 'acme/shop'`,
    );
    expect(Number(commits!.n)).toBe(8);
    const res = await fetch(`${server.url}/api/v1/sources`, {
      headers: { authorization: `Bearer ${(await server.ctx.tokens.create('t', ['read'])).token}` },
    });
    const { sources } = (await res.json()) as { sources: { id: string; last_error: string | null }[] };
    expect(sources.find((s) => s.id === 'git:acme/shop')?.last_error).toBeNull();
    expect(sources.find((s) => s.id === 'git:missing')?.last_error).toBeTruthy();
    const runs = await store.query<{ job: string; last_status: string }>(
      'select job, last_status from scheduler_runs order by job',
    );
    expect(runs.map((r) => r.job)).toEqual(['missing', 'shop']);
  });

  it('runs one job at a time per source, and refuses a bad cron expression at start', async () => {
    t = await openTestStore(engine);
    const config = testConfig({
      collectors: [{ id: 'git', name: 'shop', schedule: '0 0 1 1 *', options: { path: fx.repo.dir } }],
    });
    const s = new Scheduler(t.store, config, silent, null);
    const [a, b] = await Promise.all([s.runJob('shop'), s.runJob('shop')]);
    expect(a.status).toBe('ran');
    expect(b).toEqual({ status: 'skipped', reason: 'running_here' });
    expect(() =>
      Scheduler.validate(
        testConfig({ collectors: [{ id: 'git', schedule: 'every minute', options: { path: fx.repo.dir } }] }),
      ),
    ).toThrow(/collectors\.0\.schedule/);
  });

  it('runs any registry collector through the one generic path, and enriches after each job', async () => {
    t = await openTestStore(engine);
    const dir = mkdtempSync(join(tmpdir(), 'pitwall-sched-junit-'));
    try {
      writeFileSync(
        join(dir, 'junit.xml'),
        '<testsuite name="calc"><testcase classname="Calc" name="add" time="0.01"/>' +
          '<testcase classname="Calc" name="div" time="0.02"><failure>boom</failure></testcase></testsuite>',
      );
      const config = testConfig({
        collectors: [
          {
            id: 'junit',
            name: 'tests',
            schedule: '0 0 1 1 *',
            options: { paths: ['junit.xml'], cwd: dir, repo: 'acme/api' },
          },
          { id: 'git', name: 'shop', schedule: '0 0 1 1 *', options: { path: fx.repo.dir } },
        ],
      });
      let passes = 0;
      const enrich = new EnrichQueue(t.store, config, silent, () => passes++);
      const s = new Scheduler(t.store, config, silent, enrich);
      expect((await s.runJob('tests')).status).toBe('ran');
      const [n] = await t.store.query<{ n: number }>('select count(*) as n from test_results');
      expect(Number(n!.n)).toBe(2);
      expect((await readSource(t.store, 'junit:acme/api'))?.last_error).toBeNull();
      // The scheduler asked for enrichment after the job (it derives from what the job wrote).
      expect((await s.runJob('shop')).status).toBe('ran');
      await enrich.flush();
      expect(passes).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses, before the server starts, a job of no registry collector or with options its collector refuses', () => {
    expect(() =>
      Scheduler.validate(testConfig({ collectors: [{ id: 'gitt', schedule: '* * * * *', options: {} }] })),
    ).toThrow(
      /config key "collectors.0.id": unknown collector "gitt": use one of git, github, gitlab, junit/,
    );
    expect(() =>
      Scheduler.validate(
        testConfig({ collectors: [{ id: 'git', schedule: '* * * * *', options: { path: 7 } }] }),
      ),
    ).toThrow(/config key "collectors.0.options.path"/);
  });
});

describe('two schedulers on one PostgreSQL', () => {
  it('never run the same job at once: the second replica skips while the first holds it', async () => {
    const t = await openTestStore('postgres');
    const other = await openStore(t.config);
    try {
      const config = testConfig({
        collectors: [{ id: 'git', name: 'shop', schedule: '0 0 1 1 *', options: { path: '/x' } }],
      });
      const a = new Scheduler(t.store, config, silent, null);
      const b = new Scheduler(other, config, silent, null);
      let inner: unknown = null;
      const outer = await a.exclusive('shop', async () => {
        inner = await b.exclusive('shop', async () => ({ status: 'failed', error: 'must not run' }));
        return { status: 'failed', error: 'ran first' };
      });
      expect(outer).toEqual({ status: 'failed', error: 'ran first' });
      expect(inner).toEqual({ status: 'skipped', reason: 'running_elsewhere' });
      // Released when the first finishes: the other replica may run it next time.
      expect(await b.exclusive('shop', async () => ({ status: 'failed', error: 'second' }))).toEqual({
        status: 'failed',
        error: 'second',
      });
    } finally {
      await other.close();
      await t.cleanup();
    }
  });
});
