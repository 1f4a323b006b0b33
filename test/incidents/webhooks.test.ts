import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/server.js';
import type { Config } from '../../src/config/schema.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { silent } from '../server/setup.js';
import { ingest } from '../../src/ingest/ingest.js';

const PD_SECRET = 'pd-webhook-secret';
const OG_TOKEN = 'opsgenie-shared-token-0123456789';
const hmac = (body: string, secret = PD_SECRET) => createHmac('sha256', secret).update(body).digest('hex');

/** A Webhooks v3 incident event, as PagerDuty sends it. */
const pdEvent = (o: { id: string; type: string; at: string; status: string }) => ({
  event: {
    id: o.id,
    event_type: o.type,
    resource_type: 'incident',
    occurred_at: o.at,
    agent: null,
    client: null,
    data: {
      id: 'PGR0VU2',
      type: 'incident',
      self: 'https://api.pagerduty.com/incidents/PGR0VU2',
      html_url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
      number: 2,
      status: o.status,
      incident_key: 'd3640fbd41094207a1c11e58e46b1662',
      created_at: '2025-02-20T10:00:00Z',
      title: 'Checkout errors',
      service: { id: 'PF9KMXH', summary: 'Checkout API', type: 'service_reference' },
      priority: { id: 'PSO75BM', summary: 'P1', type: 'priority_reference' },
      urgency: 'high',
      resolve_reason: null,
    },
  },
});

describe.each(ENGINES)('incident webhooks into pitwall serve on %s', (engine) => {
  let t: TestStore;
  let server: RunningServer;
  const incidents = () =>
    t.store.query<Record<string, unknown>>(
      'select id, service, source, priority, acknowledged_at, resolved_at from incidents order by id',
    );

  beforeAll(async () => {
    t = await openTestStore(engine);
    const c = testConfig();
    const config = {
      ...c,
      pagerduty: { ...c.pagerduty, webhook_secret: PD_SECRET, services: { PF9KMXH: 'checkout' } },
      opsgenie: { ...c.opsgenie, webhook_token: OG_TOKEN, services: { 'svc-1': 'search' } },
    } as Config;
    server = await startServer({
      store: t.store,
      config,
      logger: silent,
      host: '127.0.0.1',
      port: 0,
      clock: () => new Date('2025-03-01T00:00:00Z'),
      schedule: false,
    });
  });
  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
  });

  const pd = (payload: unknown, signature: (body: string) => string | null = (b) => `v1=${hmac(b)}`) => {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const sig = signature(body);
    return fetch(`${server.url}/api/v1/webhooks/pagerduty`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(sig ? { 'x-pagerduty-signature': sig } : {}) },
      body,
    });
  };

  it('PagerDuty: bad or missing signatures are 401 and write nothing; a malformed signed body is 400', async () => {
    const e = pdEvent({
      id: 'EV0',
      type: 'incident.triggered',
      at: '2025-02-20T10:00:00Z',
      status: 'triggered',
    });
    expect((await pd(e, () => null)).status).toBe(401);
    expect((await pd(e, (b) => `v1=${hmac(b, 'other-secret')}`)).status).toBe(401);
    expect((await pd(e, (b) => `v0=${hmac(b)}`)).status).toBe(401);
    const tampered = await pd(e, (b) => `v1=${hmac(`${b} `)}`);
    expect(tampered.status).toBe(401);
    expect(JSON.stringify(await tampered.json())).not.toContain(PD_SECRET);
    expect((await pd('{"event":', (b) => `v1=${hmac(b)}`)).status).toBe(400);
    expect(
      (
        await pd({
          event: {
            id: 'EVX',
            event_type: 'incident.triggered',
            occurred_at: '2025-02-20T10:00:00Z',
            data: { id: 'x' },
          },
        })
      ).status,
    ).toBe(400);
    expect(await incidents()).toEqual([]);
    expect(await t.store.query('select id from webhook_deliveries')).toEqual([]);
  });

  it('PagerDuty: triggered, acknowledged, resolved; a redelivery and a late older event change nothing', async () => {
    await ingest(t.store, [
      {
        kind: 'deployment',
        id: 'dep-checkout-1',
        service: 'checkout',
        environment: 'production',
        sha: 'a'.repeat(40),
        started_at: '2025-02-20T09:25:00Z',
        finished_at: '2025-02-20T09:30:00Z',
        status: 'success',
        source: 'test',
      },
    ]);
    const triggered = pdEvent({
      id: 'EV1',
      type: 'incident.triggered',
      at: '2025-02-20T10:00:00Z',
      status: 'triggered',
    });
    // Several signatures (a secret being rotated): one matching is enough.
    const r1 = await pd(triggered, (b) => `v1=${hmac(b, 'old-secret')},v1=${hmac(b)}`);
    expect(r1.status).toBe(200);
    expect(await r1.json()).toMatchObject({ records: 1 });
    const ack = pdEvent({
      id: 'EV2',
      type: 'incident.acknowledged',
      at: '2025-02-20T10:04:00Z',
      status: 'acknowledged',
    });
    expect((await pd(ack)).status).toBe(200);
    const resolved = pdEvent({
      id: 'EV3',
      type: 'incident.resolved',
      at: '2025-02-20T11:30:00Z',
      status: 'resolved',
    });
    expect((await pd(resolved)).status).toBe(200);
    const again = await pd(resolved);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true, records: 0 });
    // A retried older event under a new id: the stored row is newer and stays.
    expect((await pd({ ...ack, event: { ...ack.event, id: 'EV2-retry' } })).status).toBe(200);
    // The webhook's incident is attributed like a collected one: the deployment 30 min before it failed.
    const [outcome] = await t.store.query<{
      failed: boolean;
      reason: string;
      evidence: string;
      restored_at: Date;
    }>(
      `select failed, reason, evidence, restored_at from deployment_outcomes where deployment_id = 'dep-checkout-1'`,
    );
    expect({ ...outcome, restored_at: outcome!.restored_at.toISOString() }).toEqual({
      failed: true,
      reason: 'incident_attributed',
      evidence: 'pagerduty:PGR0VU2',
      restored_at: '2025-02-20T11:30:00.000Z',
    });
    const rows = await incidents();
    expect(
      rows.map((r) => ({
        ...r,
        acknowledged_at: (r.acknowledged_at as Date).toISOString(),
        resolved_at: (r.resolved_at as Date).toISOString(),
      })),
    ).toEqual([
      {
        id: 'pagerduty:PGR0VU2',
        service: 'checkout',
        source: 'pagerduty',
        priority: 'P1',
        acknowledged_at: '2025-02-20T10:04:00.000Z',
        resolved_at: '2025-02-20T11:30:00.000Z',
      },
    ]);
    expect(
      (await t.store.query('select id from webhook_deliveries where id like $1', ['pagerduty:%'])).length,
    ).toBe(4);
    const ping = await pd({
      event: { id: 'EVP', event_type: 'pagey.ping', occurred_at: '2025-02-20T10:00:00Z', data: null },
    });
    expect(ping.status).toBe(200);
  });

  const og = (payload: unknown, headers: Record<string, string>) =>
    fetch(`${server.url}/api/v1/webhooks/opsgenie`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(payload),
    });
  const ogPayload = (action: string, status: string, updatedAt: string) => ({
    action,
    incident: {
      id: 'og-inc-1',
      message: 'Search down',
      status,
      priority: 'P2',
      createdAt: '2025-02-21T09:00:00Z',
      updatedAt,
      impactedServices: ['svc-1'],
      impactStartDate: '2025-02-21T09:00:00Z',
      ...(status === 'resolved' ? { impactEndDate: updatedAt } : {}),
    },
  });

  it('Opsgenie: the shared token (header or basic auth) is required; a delivery retried is written once', async () => {
    const create = ogPayload('Create', 'open', '2025-02-21T09:00:00Z');
    expect((await og(create, {})).status).toBe(401);
    expect((await og(create, { 'x-pitwall-token': 'wrong-token-wrong-token' })).status).toBe(401);
    expect((await incidents()).filter((r) => r.source === 'opsgenie')).toEqual([]);
    expect((await og(create, { 'x-pitwall-token': OG_TOKEN })).status).toBe(200);
    const basic = `Basic ${Buffer.from(`opsgenie:${OG_TOKEN}`).toString('base64')}`;
    const resolve = ogPayload('Resolve', 'resolved', '2025-02-21T10:15:00Z');
    expect((await og(resolve, { authorization: basic })).status).toBe(200);
    const dup = await og(resolve, { authorization: basic });
    expect(await dup.json()).toMatchObject({ duplicate: true });
    expect(
      (await og({ action: 'Create', alert: { alertId: 'a1' } }, { 'x-pitwall-token': OG_TOKEN })).status,
    ).toBe(202);
    expect((await og({ nothing: true }, { 'x-pitwall-token': OG_TOKEN })).status).toBe(400);
    const rows = (await incidents()).filter((r) => r.source === 'opsgenie');
    expect(rows.map((r) => [r.id, r.service, r.priority, (r.resolved_at as Date).toISOString()])).toEqual([
      ['opsgenie:og-inc-1', 'search', 'P2', '2025-02-21T10:15:00.000Z'],
    ]);
  });
});
