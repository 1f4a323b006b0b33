import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { argocdCollector } from '../../src/collectors/argocd/collector.js';
import { prepareCollector } from '../../src/collectors/run.js';
import type { Config } from '../../src/config/schema.js';
import { loadConfig } from '../../src/plugins.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { iso } from '../incidents/helpers.js';
import { silent } from '../server/setup.js';
import { demoApps, startArgoServer } from './argocd-server.js';
import { renderNotification } from './notification.js';

const WEBHOOK_TOKEN = 'argocd-webhook-token-0123456789';
const READ_TOKEN = 'argocd-readonly-token-0123456789';
const sha = (c: string) => c.repeat(40);

describe('argocd: section', () => {
  const load = (yaml: string, env: Record<string, string> = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'pitwall-argocd-cfg-'));
    try {
      writeFileSync(join(dir, 'pitwall.yaml'), yaml);
      return loadConfig({ cwd: dir, env });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  it('takes the webhook token from PITWALL_ARGOCD_WEBHOOK_TOKEN; off by default', () => {
    expect(load('').argocd.webhook_token).toBeNull();
    expect(load('', { PITWALL_ARGOCD_WEBHOOK_TOKEN: WEBHOOK_TOKEN }).argocd.webhook_token).toBe(
      WEBHOOK_TOKEN,
    );
  });
  it('refuses a short token or an unknown key, naming it', () => {
    expect(() => load('argocd:\n  webhook_token: short\n')).toThrow(/argocd\.webhook_token/);
    expect(() => load('argocd:\n  webhook_secret: abcdefabcdefabcdef\n')).toThrow(/argocd/);
  });
});

const app = (name: string) => demoApps().find((a) => a.metadata.name === name)!;

describe.each(ENGINES)('Argo CD Notifications webhooks into pitwall serve on %s', (engine) => {
  let t: TestStore;
  let server: RunningServer;
  let config: Config;
  type Row = Record<string, unknown>;
  const deployments = async () =>
    (
      await t.store.query<Row>(
        'select id, service, environment, repo, sha, started_at, finished_at, status, source from deployments order by id',
      )
    ).map((r): Row => ({ ...r, started_at: iso(r.started_at), finished_at: iso(r.finished_at) }));
  const deliveries = () => t.store.query('select id from webhook_deliveries');

  const post = (body: string, headers: Record<string, string> = { 'x-pitwall-token': WEBHOOK_TOKEN }) =>
    fetch(`${server.url}/api/v1/webhooks/argocd`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  beforeAll(async () => {
    t = await openTestStore(engine);
    const c = testConfig();
    config = { ...c, argocd: { ...c.argocd, webhook_token: WEBHOOK_TOKEN } } as Config;
    server = await startServer({
      store: t.store,
      config,
      logger: silent,
      host: '127.0.0.1',
      port: 0,
      clock: () => new Date('2026-12-03T00:00:00Z'),
      schedule: false,
    });
  });
  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
  });
  beforeEach(async () => {
    await t.store.query('delete from deployments');
    await t.store.query('delete from webhook_deliveries');
    await t.store.query(`delete from sources where id like 'argocd:%'`);
  });

  it('refuses a missing or wrong token (header or basic auth) with 401 and writes nothing', async () => {
    const body = renderNotification(app('checkout'));
    expect((await post(body, {})).status).toBe(401);
    const wrong = await post(body, { 'x-pitwall-token': 'not-the-token-0123456789' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(await wrong.json())).toMatch(/X-Pitwall-Token/);
    const basic = (pw: string) => ({
      authorization: `Basic ${Buffer.from(`argocd:${pw}`).toString('base64')}`,
    });
    expect((await post(body, basic('nope'))).status).toBe(401);
    expect(await deployments()).toEqual([]);
    expect(await deliveries()).toEqual([]);
    // The basic-auth password is the other way Notifications can carry the token.
    expect((await post(body, basic(WEBHOOK_TOKEN))).status).toBe(200);
  });

  it('refuses a bad body with 400 naming the field, and writes nothing', async () => {
    const bad = async (body: string) => {
      const r = await post(body);
      expect(r.status).toBe(400);
      return ((await r.json()) as { error: { message: string; details: unknown } }).error;
    };
    expect((await bad('{"app": "checkout",')).message).toMatch(/not valid JSON.*toJson/);
    const noName = JSON.parse(renderNotification(app('checkout'))) as Record<string, unknown>;
    delete noName.app;
    expect((await bad(JSON.stringify(noName))).message).toMatch(/^Argo CD webhook app: /);
    // A template that does not pipe through toJson renders Go's "<no value>" or an unquoted list.
    const badHistory = JSON.parse(renderNotification(app('checkout'))) as { history: Row[] };
    delete badHistory.history[1]!.deployedAt;
    expect((await bad(JSON.stringify(badHistory))).message).toMatch(
      /^Argo CD webhook history\.1\.deployedAt: /,
    );
    const badDest = { ...JSON.parse(renderNotification(app('checkout'))), destination: '<no value>' };
    expect((await bad(JSON.stringify(badDest))).message).toMatch(/^Argo CD webhook destination: /);
    expect(await deployments()).toEqual([]);
    expect(await deliveries()).toEqual([]);
  });

  it('on-sync-succeeded: the history becomes deployments with the ids the collector gives; a redelivery writes nothing', async () => {
    const body = renderNotification(app('checkout'));
    const r = await post(body);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      ok: true,
      app: 'checkout',
      environment: 'production',
      records: 2,
    });
    const rows = await deployments();
    expect(rows).toEqual([
      {
        id: 'argocd:checkout:0',
        service: 'checkout',
        environment: 'production',
        repo: 'acme/checkout',
        sha: sha('a'),
        started_at: '2026-11-30T10:00:00.000Z',
        finished_at: '2026-11-30T10:01:00.000Z',
        status: 'success',
        source: 'argocd',
      },
      {
        id: 'argocd:checkout:1',
        service: 'checkout',
        environment: 'production',
        repo: 'acme/checkout',
        sha: sha('b'),
        started_at: '2026-12-01T09:00:00.000Z',
        finished_at: '2026-12-01T09:02:30.000Z',
        status: 'success',
        source: 'argocd',
      },
    ]);
    const again = await post(body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true, records: 0 });
    expect(await deliveries()).toHaveLength(1);
    expect(await deployments()).toEqual(rows);
  });

  it('on-sync-failed: the failed operation is a failed deployment of its revision; a non-production app is ignored', async () => {
    const search = app('search');
    // toJson keeps a message with quotes and line breaks valid JSON.
    (search.status.operationState as Record<string, unknown>).message =
      'one or more objects failed to apply:\n"Deployment/api" is invalid';
    const r = await post(renderNotification(search));
    expect(r.status).toBe(200);
    expect((await deployments()).map((d) => [d.id, d.environment, d.sha, d.status, d.finished_at])).toEqual([
      ['argocd:search:3', 'prod-eu', sha('c'), 'success', '2026-11-29T08:00:40.000Z'],
      ['argocd:search:op:2026-12-02T14:00:00Z', 'prod-eu', sha('d'), 'failure', '2026-12-02T14:03:00.000Z'],
    ]);
    const staging = await post(renderNotification(app('billing')));
    expect(staging.status).toBe(202);
    expect(await staging.json()).toMatchObject({ ignored: true, records: 0 });
    expect((await deployments()).filter((d) => d.service === 'billing')).toEqual([]);
  });

  it('on-health-degraded of an app that never synced an operation is accepted and writes no deployment', async () => {
    const fresh = app('checkout');
    fresh.status = { sync: { status: 'Unknown' }, health: { status: 'Degraded' } };
    const r = await post(renderNotification(fresh));
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ records: 0 });
    expect(await deployments()).toEqual([]);
  });

  it('a sync reported by webhook and collected later is one deployment (same natural key)', async () => {
    for (const name of ['checkout', 'search', 'billing', 'charts'])
      expect((await post(renderNotification(app(name)))).status).toBeLessThan(300);
    const fromWebhook = await deployments();
    expect(fromWebhook).toHaveLength(4);

    const argo = await startArgoServer(demoApps(), READ_TOKEN);
    try {
      const job = await prepareCollector(
        argocdCollector,
        { url: argo.url },
        { config, env: { ARGOCD_TOKEN: READ_TOKEN }, cwd: process.cwd(), logger: silent },
      );
      const summary = await job.run({ store: t.store, config, logger: silent });
      expect(summary.facts).toMatchObject({ deployments: 4 });
    } finally {
      await argo.stop();
    }
    expect(await deployments()).toEqual(fromWebhook);
  });
});
