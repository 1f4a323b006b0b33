import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest.js';
import { buildApp } from '../../src/server/app.js';
import { createContext } from '../../src/server/server.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { silent } from '../server/setup.js';
import { FROM, TEAMS, TO, WINDOW, configWithK } from './fixture.js';

/**
 * GET /api/v1/points over the agent's machine samples (dev.*): one host is one developer's
 * laptop, so a row per host or a filter to one host is refused (400 naming the parameter);
 * the series over all machines, or by cache, answers.
 */
describe.each(ENGINES)('points of developer machines on %s', (engine) => {
  let t: TestStore;
  let app: ReturnType<typeof buildApp>;
  const get = (q: Record<string, string>) =>
    app.request(`/api/v1/points?${new URLSearchParams({ ...WINDOW, name: 'dev.cache.size_bytes', ...q })}`);
  beforeAll(async () => {
    t = await openTestStore(engine);
    const hosts = Object.entries(TEAMS).flatMap(([team, n]) =>
      Array.from({ length: n }, (_, p) => `${team}-${p}-laptop`),
    );
    await ingest(
      t.store,
      hosts.map((host, i) => ({
        kind: 'metric_point',
        name: 'dev.cache.size_bytes',
        occurred_at: new Date(FROM.getTime() + 3_600_000 + i).toISOString(),
        value: 1e9 + i,
        tags: { cache: 'npm', host },
      })),
    );
    const ctx = createContext({ store: t.store, config: configWithK(5), logger: silent, clock: () => TO });
    app = buildApp(ctx, { anonymousRead: true, bodyLimitBytes: 1 << 20 });
  });
  afterAll(async () => t?.cleanup());

  it('by host or one host is refused, naming the parameter and why', async () => {
    const by = await get({ by: 'host' });
    expect(by.status).toBe(400);
    const body = (await by.json()) as { error: { message: string; details: unknown } };
    expect(body.error.message).toMatch(/developers' machines.*by host/);
    const one = await get({ tag: 'host:four-0-laptop' });
    expect(one.status).toBe(400);
    expect(((await one.json()) as { error: { message: string } }).error.message).toMatch(/host tag/);
  });

  it('all machines together, or by cache, answers', async () => {
    const all = await get({ stat: 'count' });
    expect(all.status).toBe(200);
    expect(((await all.json()) as { rows: { count: number }[] }).rows[0]!.count).toBe(9);
    const byCache = await get({ by: 'cache', stat: 'count' });
    expect(((await byCache.json()) as { rows: { group: string; count: number }[] }).rows).toEqual([
      expect.objectContaining({ group: 'npm', count: 9 }),
    ]);
  });
});
