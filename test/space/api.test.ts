import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitwallClient } from '../../src/client/index.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { openTestStore, type TestStore } from '../helpers/stores.js';
import { WINDOW, records } from './planted.js';

describe('GET /api/v1/space', () => {
  let t: TestStore;
  let server: RunningServer;
  let client: PitwallClient;
  const win = { from: WINDOW.from.toISOString(), to: WINDOW.to.toISOString() };
  beforeAll(async () => {
    t = await openTestStore('duckdb');
    const config = testConfig();
    await ingest(t.store, records() as never);
    await ensureFresh(t.store, config);
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

  it('answers the five dimensions for the window and a team, through the typed client', async () => {
    const org = await client.space(win);
    expect(org.dimensions.map((d) => d.dimension)).toEqual([
      'satisfaction',
      'performance',
      'activity',
      'communication',
      'efficiency',
    ]);
    expect(org.from).toBe(win.from);
    expect(org.previousWindow.to).toBe(win.from);
    const review = org.dimensions
      .find((d) => d.dimension === 'communication')!
      .measures.find((m) => m.id === 'time_to_first_review')!;
    expect(review.value).toBeCloseTo(6, 9);
    const web = await client.space({ ...win, team: 'web' });
    expect(web.team).toBe('web');
    expect(web.activity).toMatchObject({ developers: null });
    expect(web.activity.withheld).toMatch(/privacy.min_group_size/);
  });

  it('refuses an unknown team, a group-by and a bad date with 400 naming the field', async () => {
    const get = async (q: string) => {
      const r = await fetch(`${server.url}/api/v1/space?${q}`);
      return { status: r.status, body: (await r.json()) as { error: { message: string } } };
    };
    const team = await get('team=nobody');
    expect(team.status).toBe(400);
    expect(team.body.error.message).toMatch(/unknown team "nobody"/);
    const by = await get('by=team');
    expect(by.status).toBe(400);
    expect(by.body.error.message).toMatch(/by/);
    const from = await get('from=yesterday');
    expect(from.status).toBe(400);
    expect(from.body.error.message).toMatch(/from/);
  });
});
