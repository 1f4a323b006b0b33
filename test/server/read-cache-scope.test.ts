import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/stores.js';
import { bearer, serverFixture, type ServerFixture } from './setup.js';

describe.each(ENGINES)('the read cache on %s', (engine) => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await serverFixture(engine);
  });
  afterAll(async () => {
    await f?.t.cleanup();
  });

  const get = async <T>(path: string) => {
    const res = await f.app.request(path, { headers: bearer(f.tokens.read) });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as T;
  };
  const ingest = async (records: unknown[]) => {
    const res = await f.app.request('/api/v1/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(f.tokens.ingest) },
      body: JSON.stringify({ records }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  const teams = async () =>
    (await get<{ teams: { team: string }[] }>('/api/v1/teams')).teams.map((t) => t.team);
  const deploys = '/api/v1/metrics/dora.deploys.count?from=2025-02-01&to=2025-03-01';
  const deployCount = async () => (await get<{ values: { value: number }[] }>(deploys)).values[0]!.value;

  it('keeps serving a cached read that a write did not touch, and recomputes those it did', async () => {
    const before = await teams();
    const deploysBefore = await deployCount();
    // Behind the server's back: only a recomputed /teams could show this row.
    await f.t.store.upsert([
      { table: 'teams', columns: ['team', 'name'], key: ['team'], rows: [['zz-behind', 'Behind']] },
    ]);

    // A write of local command timings touches neither teams nor deployments.
    await ingest([
      {
        kind: 'command',
        id: 'cache-scope-1',
        user_name: 'dev',
        command: 'npm test',
        exit_code: 0,
        started_at: '2025-02-20T10:00:00Z',
        duration_ms: 1200,
      },
    ]);
    expect(await teams()).toEqual(before);

    // A deployment makes the deployment count stale, and still not the teams.
    await ingest([
      {
        kind: 'deployment',
        id: 'cache-scope-deploy',
        service: 'api',
        environment: 'production',
        sha: 'c0ffee0000000000000000000000000000000000',
        started_at: '2025-02-20T11:00:00Z',
        finished_at: '2025-02-20T11:05:00Z',
        status: 'success',
      },
    ]);
    expect(await deployCount()).toBe(deploysBefore + 1);
    expect(await teams()).toEqual(before);

    // A team written through the server: /teams is read again, and shows both.
    await ingest([{ kind: 'team', team: 'zz-ingested', name: 'Ingested' }]);
    expect(await teams()).toEqual([...before, 'zz-behind', 'zz-ingested'].sort());
  });
});
