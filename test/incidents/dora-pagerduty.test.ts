import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, queryOnce, type TestStore } from '../helpers/stores.js';
import { doraValues, workspace } from './helpers.js';
import { pdIncident, startPagerDutyServer, type PagerDutyServer } from './pagerduty-server.js';

const KEY = 'pd-test-key';
const WINDOW = ['--from', '2024-05-01', '--to', '2024-06-01'];
const payments = { id: 'PPAY001', name: 'Payments API' };
const search = { id: 'PSRCH01', name: 'search' };

/**
 * A small constructed history: four production deployments of `payments`, and three PagerDuty
 * incidents. One opens 2 h after the first deployment (inside dora.incident_attribution_hours:
 * that deployment failed); one opens two days after the third (outside the window: no deployment
 * is charged with it, DevLake's most reported error); one is on another service.
 */
const incidents = () => [
  pdIncident({
    id: 'QINC1',
    service: payments,
    created: '2024-05-01T12:00:00Z',
    acknowledged: '2024-05-01T12:05:00Z',
    resolved: '2024-05-01T15:00:00Z',
  }),
  pdIncident({
    id: 'QINC2',
    service: payments,
    created: '2024-05-07T10:00:00Z',
    resolved: '2024-05-07T11:00:00Z',
  }),
  pdIncident({
    id: 'QINC3',
    service: search,
    created: '2024-05-03T11:00:00Z',
    resolved: '2024-05-03T13:00:00Z',
  }),
];
const deployments = [
  '2024-05-01T10:00:00Z',
  '2024-05-03T10:00:00Z',
  '2024-05-05T10:00:00Z',
  '2024-05-10T10:00:00Z',
];

describe.each(ENGINES)('PagerDuty incidents in DORA on %s', (engine) => {
  let t: TestStore;
  let pd: PagerDutyServer;
  let ws: ReturnType<typeof workspace>;
  const dora = () => doraValues(ws, WINDOW);

  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    pd = await startPagerDutyServer({ incidents: incidents(), token: KEY });
    ws = workspace(t, { pagerduty: { services: { PPAY001: 'payments' } } }, { PAGERDUTY_TOKEN: KEY });
    for (const [k, at] of deployments.entries()) {
      const r = await ws.run([
        'record',
        'deployment',
        '--service',
        'payments',
        '--env',
        'production',
        '--sha',
        `${k + 1}`.repeat(40),
        '--at',
        at,
        '--repo',
        'acme/payments',
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
  }, 60_000);
  afterAll(async () => {
    await pd?.stop();
    ws?.cleanup();
    await t?.cleanup();
  });

  it('changes change failure rate, MTTR and failed-deployment recovery exactly, and explain names PagerDuty', async () => {
    const before = await dora();
    expect(before['dora.change_failure.rate']).toBe(0);
    expect(before['dora.restore.median_hours']).toBeNull();

    const r = await ws.run([
      'collect',
      'pagerduty',
      '--option',
      `api_url=${pd.url}`,
      '--option',
      'since=2024-04-30T00:00:00Z',
    ]);
    expect(r.code, r.stderr).toBe(0);
    // The key reaches neither the output nor the store (the source's cursor and health).
    expect(`${r.stdout}${r.stderr}`).not.toContain(KEY);
    const sources = await queryOnce<Record<string, unknown>>(t, 'select * from sources');
    expect(sources.map((x) => x.id)).toContain('pagerduty');
    expect(JSON.stringify(sources)).not.toContain(KEY);
    const after = await dora();
    // One of four deployments failed (QINC1); QINC2 opened 48 h after the third: outside the 24 h window.
    expect(after['dora.change_failure.rate']).toBeCloseTo(0.25, 10);
    // Incidents open 3 h, 1 h and 2 h: median 2 h (every service's incidents count for MTTR).
    expect(after['dora.restore.median_hours']).toBeCloseTo(2, 10);
    // The failed deployment at 10:00 was restored when QINC1 resolved at 15:00.
    expect(after['dora.recovery.failed_deployment_hours']).toBeCloseTo(5, 10);

    const explain = async (metric: string) => {
      const ex = await ws.run(['dora', 'explain', ...WINDOW, '--metric', metric, '--json']);
      expect(ex.code, ex.stderr).toBe(0);
      const [e] = JSON.parse(ex.stdout) as { metric: string; rows: Record<string, unknown>[] }[];
      return e!.rows;
    };
    const cfr = await explain('dora.change_failure.rate');
    const failed = cfr.filter((x) => x.v === 1);
    expect(failed.map((x) => [x.reason, x.evidence, x.incident_source])).toEqual([
      ['incident_attributed', 'pagerduty:QINC1', 'pagerduty'],
    ]);
    expect(cfr.filter((x) => x.v === 0).every((x) => x.incident_source === null)).toBe(true);
    expect(
      (await explain('dora.restore.median_hours')).map((x) => [x.incident, x.incident_source]).sort(),
    ).toEqual([
      ['pagerduty:QINC1', 'pagerduty'],
      ['pagerduty:QINC2', 'pagerduty'],
      ['pagerduty:QINC3', 'pagerduty'],
    ]);
    expect((await explain('dora.recovery.failed_deployment_hours')).map((x) => x.incident_source)).toEqual([
      'pagerduty',
    ]);

    // The text output names the system too.
    const text = await ws.run(['dora', 'explain', ...WINDOW, '--metric', 'dora.restore.median_hours']);
    expect(text.stdout).toMatch(/incident_source/);
    expect(text.stdout).toMatch(/pagerduty:QINC2.*pagerduty/);
  });
});
