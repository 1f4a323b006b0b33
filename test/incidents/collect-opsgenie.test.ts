import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, queryOnce, type TestStore } from '../helpers/stores.js';
import { OPSGENIE_DIR, opsgenieFixtures, recordedOpsgenie, skipMessage } from './fixtures.js';
import { iso, workspace } from './helpers.js';
import { ogIncident, startOpsgenieServer, type OgModel, type OpsgenieServer } from './opsgenie-server.js';

const KEY = 'og-test-key';
const present = opsgenieFixtures();
if (!present) skipMessage('Opsgenie', OPSGENIE_DIR);

type Row = Record<string, unknown>;
const rows = async (t: TestStore) =>
  (
    await queryOnce<Row>(
      t,
      `select id, service, severity, title, opened_at, acknowledged_at, resolved_at, priority, url, source
       from incidents order by id`,
    )
  ).map((r): Row => ({
    ...r,
    opened_at: iso(r.opened_at),
    acknowledged_at: iso(r.acknowledged_at),
    resolved_at: iso(r.resolved_at),
  }));

describe.each(ENGINES)('pitwall collect opsgenie on %s', (engine) => {
  let t: TestStore;
  let og: OpsgenieServer;
  let ws: ReturnType<typeof workspace>;
  let since = '2023-09-01T00:00:00Z';
  const collect = () =>
    ws.run(['collect', 'opsgenie', '--option', `api_url=${og.url}`, '--option', `since=${since}`, '--json']);

  beforeEach(async () => {
    t = await openTestStore(engine);
    await t.store.close();
  });
  afterEach(async () => {
    await og?.stop();
    ws?.cleanup();
    await t?.cleanup();
  });

  it.skipIf(!present)(
    'reads the recorded responses: resolution only in impactEndDate, an empty ownerTeam, bare service ids',
    async () => {
      const rec = recordedOpsgenie();
      og = await startOpsgenieServer({
        incidents: rec.incidents as OgModel[],
        teams: Object.fromEntries(rec.teams.map((x) => [x.id as string, x.name as string])),
        key: KEY,
      });
      ws = workspace(
        t,
        { opsgenie: { services: { '695bce3d-4621-4630-8ae1-24eb89c22d6e': 'payments' } } },
        { OPSGENIE_API_KEY: KEY },
      );
      const r = await collect();
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(await rows(t)).toEqual([
        {
          id: 'opsgenie:3a74524a-f492-4172-b3f5-6041c7cb404a',
          service: 'payments',
          severity: 'P3',
          title: 'Incident#1',
          opened_at: '2023-09-06T14:30:56.346Z',
          acknowledged_at: null,
          resolved_at: null,
          priority: 'P3',
          url: 'https://sandesvitor.app.opsgenie.com/incident/detail/3a74524a-f492-4172-b3f5-6041c7cb404a',
          source: 'opsgenie',
        },
        {
          id: 'opsgenie:3f84e009-7548-4e7d-832a-fa82c1ceb6b1',
          service: 'payments',
          severity: 'P5',
          title: 'Incident#2',
          opened_at: '2023-09-05T18:20:28.003Z',
          acknowledged_at: null,
          // "2023-09-05T18:21:21.49Z": two fractional digits.
          resolved_at: '2023-09-05T18:21:21.490Z',
          priority: 'P5',
          url: 'https://sandesvitor.app.opsgenie.com/incident/detail/3f84e009-7548-4e7d-832a-fa82c1ceb6b1',
          source: 'opsgenie',
        },
      ]);
    },
  );

  it('names unmapped services, reads timelines only for changes, retries 429/500, and refuses a bad key', async () => {
    const end = Date.now() - 3_600_000;
    since = new Date(end - 10 * 86_400_000).toISOString();
    const at = (h: number) => new Date(end - 5 * 86_400_000 + h * 3_600_000).toISOString();
    const incidents = [
      ogIncident({
        id: 'og-1',
        serviceId: 'svc-a',
        created: at(0),
        acknowledged: at(0.1),
        resolved: at(2),
        priority: 'P1',
      }),
      ogIncident({ id: 'og-2', serviceId: 'svc-b', created: at(5), acknowledged: at(5.5) }),
      ogIncident({ id: 'og-3', serviceId: 'svc-c', created: at(9), resolved: at(10) }),
    ];
    og = await startOpsgenieServer({ incidents, services: { 'svc-b': 'search-web' }, key: KEY });
    ws = workspace(
      t,
      { opsgenie: { services: { 'svc-a': 'checkout' }, page_size: 2 } },
      { OPSGENIE_API_KEY: KEY },
    );

    const bad = await ws.run(['collect', 'opsgenie', '--option', `api_url=${og.url}`], {
      OPSGENIE_API_KEY: 'nope',
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/Opsgenie answered 401/);
    og.hits.length = 0;

    og.faults.push({ path: /^\/v1\/incidents$/, status: 429, times: 1, retryAfter: 0 });
    og.faults.push({ path: /incident-timelines/, status: 500, times: 1 });
    const first = await collect();
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ facts: { listed: 3, changed: 3, retried: 2 } });
    const r1 = await rows(t);
    expect(r1.map((r) => [r.id, r.service, r.acknowledged_at, r.resolved_at])).toEqual([
      ['opsgenie:og-1', 'checkout', at(0.1), at(2)],
      ['opsgenie:og-2', 'search-web', at(5.5), null],
      // No name readable for svc-c: the incident keeps its service id.
      ['opsgenie:og-3', 'svc-c', null, at(10)],
    ]);
    expect(og.count('timeline')).toBe(4);

    og.hits.length = 0;
    expect((await collect()).code).toBe(0);
    expect(og.count('timeline')).toBe(0);
    expect(await rows(t)).toEqual(r1);

    Object.assign(incidents[1]!, { status: 'resolved', updatedAt: at(7), impactEndDate: at(7) });
    og.hits.length = 0;
    expect((await collect()).code).toBe(0);
    expect(og.count('timeline')).toBe(1);
    expect((await rows(t)).find((r) => r.id === 'opsgenie:og-2')!.resolved_at).toBe(at(7));
  });
});
