import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { createContext } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { bearer, silent } from '../server/setup.js';

const sha = (n: number) => n.toString(16).padStart(40, 'c');
const WINDOW = 'from=2024-03-01T00:00:00Z&to=2024-03-15T00:00:00Z';

/**
 * Issue 8, case 1 through the ingest API: a CD tool posts a deployment before the commits it
 * shipped arrive (a later batch, a webhook); the deployment must get its lead time when they do,
 * and the 2xx of each write already includes it (write routes answer after enrichment).
 */
describe.each(ENGINES)('the ingest API on an empty store on %s', (engine) => {
  let t: TestStore;
  let app: ReturnType<typeof buildApp>;
  let token: string;
  beforeAll(async () => {
    t = await openTestStore(engine);
    const ctx = createContext({ store: t.store, config: testConfig(), logger: silent });
    app = buildApp(ctx, { anonymousRead: false, bodyLimitBytes: 1024 * 1024 });
    token = (await ctx.tokens.create('cd', ['admin'])).token;
  });
  afterAll(async () => t?.cleanup());

  const send = (path: string, body: unknown) =>
    app.request(path, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const leadTime = async () => {
    const r = await app.request(`/api/v1/metrics/dora.lead_time.median_hours?${WINDOW}`, {
      headers: bearer(token),
    });
    expect(r.status).toBe(200);
    return ((await r.json()) as { values: { value: number | null }[] }).values[0]?.value ?? null;
  };

  it('gives a deployment posted before its commits its lead time when the commits arrive', async () => {
    const dep = await send('/api/v1/deployments', {
      service: 'api',
      environment: 'production',
      sha: sha(2),
      repo: 'acme/api',
      at: '2024-03-04T12:00:00Z',
    });
    expect(dep.status).toBe(201);
    expect(await leadTime()).toBeNull();

    const commit = (n: number, at: string) => ({
      kind: 'commit',
      repo: 'acme/api',
      sha: sha(n),
      author: 'ada@example.com',
      authored_at: at,
      committed_at: at,
      parents: n > 1 ? [sha(n - 1)] : [],
    });
    const ingested = await send('/api/v1/ingest', {
      records: [commit(1, '2024-03-04T06:00:00Z'), commit(2, '2024-03-04T10:00:00Z')],
    });
    expect(ingested.status).toBe(200);
    // 6 h and 2 h: median 4 h, answered by the next read without any further write.
    expect(await leadTime()).toBeCloseTo(4, 9);
  });
});
