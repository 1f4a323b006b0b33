import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildOrg } from '../../src/demo/org.js';
import { ENGINES, openTestStore, queryOnce, type TestStore } from '../helpers/stores.js';
import { PAGERDUTY_DIR, pagerdutyFixtures, recordedPagerDuty, skipMessage } from './fixtures.js';
import { iso, workspace } from './helpers.js';
import {
  demoPagerDuty,
  pdIncident,
  startPagerDutyServer,
  type PagerDutyServer,
  type PdModel,
} from './pagerduty-server.js';

const KEY = 'pd-test-key';
const present = pagerdutyFixtures();
if (!present) skipMessage('PagerDuty', PAGERDUTY_DIR);

type Row = Record<string, unknown>;
const rows = async (t: TestStore) =>
  (
    await queryOnce<Row>(
      t,
      `select id, service, severity, title, opened_at, acknowledged_at, resolved_at, urgency, priority, url, source
       from incidents order by id`,
    )
  ).map((r): Row => ({
    ...r,
    opened_at: iso(r.opened_at),
    acknowledged_at: iso(r.acknowledged_at),
    resolved_at: iso(r.resolved_at),
  }));

describe.each(ENGINES)('pitwall collect pagerduty on %s', (engine) => {
  let t: TestStore;
  let pd: PagerDutyServer;
  let ws: ReturnType<typeof workspace>;
  let since = '2022-11-01T00:00:00Z';
  const collect = () =>
    ws.run(['collect', 'pagerduty', '--option', `api_url=${pd.url}`, '--option', `since=${since}`, '--json']);

  beforeEach(async () => {
    t = await openTestStore(engine);
    await t.store.close();
  });
  afterEach(async () => {
    await pd?.stop();
    ws?.cleanup();
    await t?.cleanup();
  });

  it.skipIf(!present)(
    'reads the recorded responses with their quirks (no resolved_at, no priority, re-triggered after acknowledgement)',
    async () => {
      pd = await startPagerDutyServer({ incidents: recordedPagerDuty() as PdModel[], token: KEY });
      ws = workspace(t, { pagerduty: { services: { PIKL83L: 'payments' } } }, { PAGERDUTY_TOKEN: KEY });
      const r = await collect();
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(await rows(t)).toEqual([
        {
          id: 'pagerduty:Q1OHFWFP3GPXOG',
          service: 'payments',
          severity: 'low',
          title: 'Spamming logs',
          opened_at: '2022-11-03T06:45:36.000Z',
          // Resolved incidents of that API version carry no resolved_at: the resolve_log_entry says when.
          acknowledged_at: '2022-11-03T06:45:46.000Z',
          resolved_at: '2022-11-03T06:51:44.000Z',
          urgency: 'low',
          priority: null,
          url: 'https://keon-test.pagerduty.com/incidents/Q1OHFWFP3GPXOG',
          source: 'pagerduty',
        },
        {
          id: 'pagerduty:Q3CZAU7Q4008QD',
          service: 'payments',
          severity: 'high',
          title: 'Slow startup',
          opened_at: '2022-11-03T06:44:28.000Z',
          acknowledged_at: '2022-11-03T06:44:37.000Z',
          resolved_at: null,
          urgency: 'high',
          priority: null,
          url: 'https://keon-test.pagerduty.com/incidents/Q3CZAU7Q4008QD',
          source: 'pagerduty',
        },
        {
          // Triggered again after three acknowledgements (they timed out): first acknowledgement kept, still open.
          id: 'pagerduty:Q3YON8WNWTZMRQ',
          service: 'payments',
          severity: 'high',
          title: 'Crash reported',
          opened_at: '2022-11-03T06:23:06.000Z',
          acknowledged_at: '2022-11-03T06:23:07.000Z',
          resolved_at: null,
          urgency: 'high',
          priority: null,
          url: 'https://keon-test.pagerduty.com/incidents/Q3YON8WNWTZMRQ',
          source: 'pagerduty',
        },
      ]);
      expect(pd.count('log_entries')).toBe(3);
    },
  );

  it('maps unmapped services by name, re-reads only what changed, and a bad key is refused without writing', async () => {
    const services = ['checkout-api', 'search-web'];
    const end = new Date(Date.now() - 3_600_000);
    since = new Date(end.getTime() - 10 * 86_400_000).toISOString();
    pd = await startPagerDutyServer({ incidents: demoPagerDuty(services, end, 3), token: KEY });
    ws = workspace(
      t,
      { pagerduty: { services: { PSVC0: 'checkout' }, page_size: 2 } },
      { PAGERDUTY_TOKEN: KEY },
    );

    const bad = await ws.run(['collect', 'pagerduty', '--option', `api_url=${pd.url}`], {
      PAGERDUTY_TOKEN: 'wrong',
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/PagerDuty answered 401/);
    expect(bad.stderr).not.toContain('wrong');
    expect(await rows(t)).toEqual([]);
    // The failure is the source's health, without the key.
    const [health] = await queryOnce<{ last_error: string }>(
      t,
      `select last_error from sources where id = 'pagerduty'`,
    );
    expect(health!.last_error).toMatch(/401.*check the API key/);
    expect(health!.last_error).not.toContain('wrong');
    pd.hits.length = 0;

    const first = await collect();
    expect(first.code).toBe(0);
    const after1 = await rows(t);
    expect(after1.map((r) => [r.id, r.service])).toEqual([
      ['pagerduty:Q0X0', 'checkout'],
      ['pagerduty:Q0X1', 'checkout'],
      ['pagerduty:Q0X2', 'checkout'],
      ['pagerduty:Q1X0', 'search-web'],
      ['pagerduty:Q1X1', 'search-web'],
      ['pagerduty:Q1X2', 'search-web'],
    ]);
    expect(after1.find((r) => r.id === 'pagerduty:Q0X0')!.priority).toBe('P1');
    expect(pd.count('log_entries')).toBe(6);
    // Six incidents, two a page: three pages (the last says more: false).
    expect(pd.count('list')).toBe(3);

    // Nothing changed: the list is read again (within the overlap), no timeline is.
    pd.hits.length = 0;
    expect((await collect()).code).toBe(0);
    expect(pd.count('log_entries')).toBe(0);
    expect(await rows(t)).toEqual(after1);

    // One open incident resolves: only it has its log entries read, and the row follows.
    const open = pd.incidents.find((i) => i.id === 'Q1X2')!;
    const resolvedAt = new Date(Date.parse(open.created_at) + 2 * 3_600_000).toISOString();
    Object.assign(open, { status: 'resolved', last_status_change_at: resolvedAt });
    open.log_entries!.push({ type: 'resolve_log_entry', created_at: resolvedAt });
    pd.hits.length = 0;
    expect((await collect()).code).toBe(0);
    expect(pd.count('log_entries')).toBe(1);
    expect((await rows(t)).find((r) => r.id === 'pagerduty:Q1X2')!.resolved_at).toBe(resolvedAt);
  });

  it("the demo org's services, served by name, land under the demo's own service names", async () => {
    const end = new Date(Date.now() - 3_600_000);
    since = new Date(end.getTime() - 10 * 86_400_000).toISOString();
    const services = buildOrg({ developers: 24, days: 14, seed: 7, end }).repos.map((r) => r.service);
    expect(services.length).toBeGreaterThan(2);
    pd = await startPagerDutyServer({ incidents: demoPagerDuty(services, end, 2), token: KEY });
    ws = workspace(t, {}, { PAGERDUTY_TOKEN: KEY });
    expect((await collect()).code).toBe(0);
    const got = await rows(t);
    expect(got).toHaveLength(services.length * 2);
    expect([...new Set(got.map((r) => r.service))].sort()).toEqual([...services].sort());
    // The first of each pair resolved after an hour, the second still open.
    expect(got.filter((r) => r.resolved_at === null)).toHaveLength(services.length);
  });

  it('an incident still open from before the listing window is read on its own until it resolves', async () => {
    const end = Date.now() - 3_600_000;
    since = new Date(end - 10 * 86_400_000).toISOString();
    const svc = { id: 'PSVC9', name: 'ledger' };
    const old = pdIncident({
      id: 'QOLD',
      service: svc,
      created: new Date(end - 5 * 86_400_000).toISOString(),
    });
    const recent = pdIncident({
      id: 'QNEW',
      service: svc,
      created: new Date(end - 86_400_000).toISOString(),
      resolved: new Date(end - 80_000_000).toISOString(),
    });
    pd = await startPagerDutyServer({ incidents: [old, recent], token: KEY });
    // No overlap: the second run lists from the newest creation only, so QOLD is outside it.
    ws = workspace(t, { pagerduty: { overlap_hours: 0 } }, { PAGERDUTY_TOKEN: KEY });
    expect((await collect()).code).toBe(0);
    expect((await rows(t)).map((r) => [r.id, r.resolved_at])).toEqual([
      ['pagerduty:QNEW', recent.resolved_at],
      ['pagerduty:QOLD', null],
    ]);
    const resolvedAt = new Date(end - 3_600_000).toISOString();
    Object.assign(old, { status: 'resolved', last_status_change_at: resolvedAt });
    old.log_entries!.push({ type: 'resolve_log_entry', created_at: resolvedAt });
    pd.hits.length = 0;
    expect((await collect()).code).toBe(0);
    expect(pd.count('incident')).toBe(1);
    expect((await rows(t)).find((r) => r.id === 'pagerduty:QOLD')!.resolved_at).toBe(resolvedAt);
    // Resolved now: the next run no longer asks for it.
    pd.hits.length = 0;
    expect((await collect()).code).toBe(0);
    expect(pd.count('incident')).toBe(0);
  });

  it("a first run over many incidents reads the account's log entries: far fewer requests, the same warehouse", async () => {
    const end = new Date(Date.now() - 3_600_000);
    since = new Date(end.getTime() - 30 * 86_400_000).toISOString();
    const services = Array.from({ length: 20 }, (_, k) => `svc-${k}`);
    // 20 services x 5 incidents, each with 3 log entries (trigger, acknowledge, resolve except the open last).
    pd = await startPagerDutyServer({ incidents: demoPagerDuty(services, end, 5), token: KEY });
    ws = workspace(t, {}, { PAGERDUTY_TOKEN: KEY });
    const r = await collect();
    expect(r.code, r.stderr).toBe(0);
    const fast = await rows(t);
    expect(fast).toHaveLength(100);
    expect(pd.count('log_entries')).toBe(0);
    // 280 entries, 100 a page.
    expect(pd.count('account_log_entries')).toBe(3);
    const requests = pd.hits.length;

    const t2 = await openTestStore(engine);
    await t2.store.close();
    const ws2 = workspace(t2, { pagerduty: { account_log_entries_from: 1000 } }, { PAGERDUTY_TOKEN: KEY });
    try {
      pd.hits.length = 0;
      const slow = await ws2.run([
        'collect',
        'pagerduty',
        '--option',
        `api_url=${pd.url}`,
        '--option',
        `since=${since}`,
      ]);
      expect(slow.code, slow.stderr).toBe(0);
      expect(pd.count('log_entries')).toBe(100);
      expect(await rows(t2)).toEqual(fast);
      // One listing page plus three log pages, against one listing page plus a hundred.
      expect(pd.hits.length / requests).toBeGreaterThan(20);
    } finally {
      ws2.cleanup();
      await t2.cleanup();
    }
  });

  it('retries 429 and 500; an interrupted run resumes to the same warehouse as an uninterrupted one', async () => {
    const end = new Date(Date.now() - 3_600_000);
    const incidents = demoPagerDuty(['a', 'b', 'c'], end, 4);
    since = new Date(end.getTime() - 10 * 86_400_000).toISOString();
    pd = await startPagerDutyServer({ incidents, token: KEY });
    ws = workspace(t, { pagerduty: { page_size: 3 } }, { PAGERDUTY_TOKEN: KEY });
    pd.faults.push({ path: /^\/incidents$/, status: 429, times: 2, retryAfter: 0 });
    pd.faults.push({ path: /log_entries$/, status: 500, times: 1 });
    const ok = await collect();
    expect(ok.code).toBe(0);
    // Two 429s on the list (Retry-After: 0), one 500 on a timeline: each retried once.
    expect(JSON.parse(ok.stdout)).toMatchObject({ facts: { retried: 3, listed: 12, changed: 12 } });
    const uninterrupted = await rows(t);
    expect(uninterrupted).toHaveLength(12);

    // A second warehouse: the run breaks off mid-way (log entries failing past every retry), then resumes.
    const t2 = await openTestStore(engine);
    await t2.store.close();
    const ws2 = workspace(t2, { pagerduty: { page_size: 3 } }, { PAGERDUTY_TOKEN: KEY });
    try {
      pd.faults.push({ path: /\/Q1X3\/log_entries$/, status: 500, times: 100 });
      const broken = await ws2.run([
        'collect',
        'pagerduty',
        '--option',
        `api_url=${pd.url}`,
        '--option',
        'since=2022-01-01T00:00:00Z',
      ]);
      expect(broken.code).not.toBe(0);
      const partial = await rows(t2);
      // The batches before the failure are kept (idempotent upserts); the cursor is not advanced.
      expect(partial).toHaveLength(9);
      pd.faults.length = 0;
      const resumed = await ws2.run([
        'collect',
        'pagerduty',
        '--option',
        `api_url=${pd.url}`,
        '--option',
        'since=2022-01-01T00:00:00Z',
      ]);
      expect(resumed.code).toBe(0);
      expect(await rows(t2)).toEqual(uninterrupted);
    } finally {
      ws2.cleanup();
      await t2.cleanup();
    }
  });
});
