import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitwallApiError, PitwallClient } from '../../src/client/index.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { cli } from '../helpers/cli.js';
import { ENGINES } from '../helpers/stores.js';
import { asJson, serverFixture, silent, tableCounts, WINDOW, type ServerFixture } from './setup.js';

const SECRET = 'webhook-test-secret';
const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe.each(ENGINES)('HTTP API over a real socket with the typed client on %s', (engine) => {
  let f: ServerFixture;
  let server: RunningServer;
  let client: PitwallClient;
  beforeAll(async () => {
    f = await serverFixture(engine, { config: {} });
    server = await startServer({
      store: f.t.store,
      config: { ...f.config, github: { ...f.config.github, webhook_secret: SECRET } },
      logger: silent,
      host: '127.0.0.1',
      port: 0,
      clock: () => new Date(WINDOW.to),
    });
    client = new PitwallClient({ baseUrl: server.url, token: f.tokens.admin });
  });
  afterAll(async () => {
    await server?.close();
    await f?.t.cleanup();
  });

  it('binds to loopback and answers every read through the client', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const q = { from: WINDOW.from, to: WINDOW.to };
    const m = await client.metric('ci.runs.count', { ...q, by: 'workflow' });
    const direct = await f.ctx.registry.compute(f.t.store, 'ci.runs.count', {
      from: new Date(WINDOW.from),
      to: new Date(WINDOW.to),
      by: 'workflow',
    });
    expect(m.values).toEqual(asJson(direct));
    expect((await client.registry()).metrics.length).toBe(f.ctx.registry.list().length);
    expect((await client.report(q)).lines.length).toBeGreaterThan(50);
    expect((await client.dora(q)).rows.length).toBeGreaterThan(0);
    expect((await client.dxi(q)).terms).toHaveLength(4);
    expect((await client.ciStages(q)).stages.length).toBeGreaterThan(0);
    expect((await client.queueHeatmap(q)).cells.length).toBeGreaterThan(0);
    expect(Array.isArray((await client.flaky(q)).tests)).toBe(true);
    expect((await client.testenvFailures(q)).categories.length).toBeGreaterThan(0);
    expect(await client.insights(q)).toHaveProperty('attention');
    expect(typeof (await client.headline(q)).hoursSaved).toBe('number');
    expect((await client.teams()).teams.length).toBeGreaterThan(0);
    expect((await client.repos()).repos.length).toBeGreaterThan(0);
    expect(await client.sources()).toHaveProperty('sources');
    expect((await client.explain('ci.runs.count', { ...q, limit: 2 })).rows).toHaveLength(2);
    expect(await client.healthz()).toEqual({ ok: true, store: engine });
    expect(await client.prometheus()).toContain('pitwall_ci_runs_count');
  });

  it('writes through the client and surfaces the envelope as PitwallApiError', async () => {
    const ingester = new PitwallClient({ baseUrl: server.url, token: f.tokens.ingest });
    const { id } = await ingester.deployment({
      service: 'payments-web',
      environment: 'production',
      sha: 'abc1234def',
    });
    expect(id).toMatch(/^api-/);
    expect(await ingester.ingest([{ kind: 'team', team: 'growth', name: 'Growth' }])).toEqual({
      written: { team: 1 },
      total: 1,
    });
    const before = await tableCounts(f);
    const err = await ingester.ingest([{ kind: 'team' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PitwallApiError);
    expect(err).toMatchObject({ status: 400, code: 'invalid_records' });
    const denied = await ingester.registry().catch((e: unknown) => e);
    expect(denied).toMatchObject({ status: 403, code: 'forbidden' });
    const anon = await new PitwallClient({ baseUrl: server.url }).teams().catch((e: unknown) => e);
    expect(anon).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(await tableCounts(f)).toEqual(before);
  });

  it('lets `pitwall report --server` read through the same client', async () => {
    await server.ctx.enrich.flush(); // the writes above may still be enriching: compare settled data
    const r = await cli([
      'report',
      '--server',
      server.url,
      '--token',
      f.tokens.read,
      '--from',
      WINDOW.from,
      '--to',
      WINDOW.to,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { lines: unknown[] };
    expect(out.lines).toEqual((await client.report(WINDOW)).lines);
    const bad = await cli(['report', '--server', server.url, '--token', 'pw_wrong']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unauthorized');
  });

  it('accepts GitHub webhooks with a good signature and refuses bad ones', async () => {
    const payload = JSON.stringify({
      repository: { full_name: 'demo/payments-api' },
      workflow_run: {
        id: 987654,
        name: 'ci',
        head_branch: 'main',
        head_sha: 'abcdef1234567890',
        run_attempt: 1,
        event: 'push',
        status: 'completed',
        conclusion: 'success',
        created_at: '2025-02-20T10:00:00Z',
        run_started_at: '2025-02-20T10:00:05Z',
        updated_at: '2025-02-20T10:07:00Z',
      },
    });
    const send = (body: string, signature: string | null, event = 'workflow_run') =>
      fetch(`${server.url}/api/v1/webhooks/github`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          ...(signature ? { 'x-hub-signature-256': signature } : {}),
        },
        body,
      });
    const before = await tableCounts(f);
    for (const sig of [null, sign(payload, 'wrong-secret'), 'sha256=00']) {
      const r = await send(payload, sig);
      expect(r.status).toBe(401);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    const badPayload = '{"repository":{"full_name":"demo/x"}}';
    expect((await send(badPayload, sign(badPayload))).status).toBe(400);
    expect(await tableCounts(f)).toEqual(before);

    const ok = await send(payload, sign(payload));
    expect(ok.status).toBe(200);
    const [run] = await f.t.store.query<{ conclusion: string; workflow: string }>(
      `select conclusion, workflow from pipeline_runs where run_id = '987654'`,
    );
    expect(run).toEqual({ conclusion: 'success', workflow: 'ci' });
    expect((await send(payload, sign(payload))).status).toBe(200); // redelivery: idempotent
    expect((await tableCounts(f)).pipeline_runs).toBe(before.pipeline_runs! + 1);

    const pr = JSON.stringify({
      repository: { full_name: 'demo/payments-api' },
      pull_request: {
        number: 4242,
        title: 'hotfix: checkout',
        state: 'open',
        user: { login: 'octocat', type: 'User' },
        created_at: '2025-02-21T09:00:00Z',
        updated_at: '2025-02-21T09:00:00Z',
        labels: [],
        head: { ref: 'hotfix/checkout', sha: 'abcdef1234567890' },
        base: { ref: 'main' },
      },
      review: {
        id: 77,
        user: { login: 'reviewer' },
        state: 'approved',
        submitted_at: '2025-02-21T10:00:00Z',
      },
    });
    expect((await send(pr, sign(pr), 'pull_request_review')).status).toBe(200);
    const [row] = await f.t.store.query<{ first_approval_at: Date }>(
      'select first_approval_at from pull_requests where number = 4242',
    );
    expect(row!.first_approval_at.toISOString()).toBe('2025-02-21T10:00:00.000Z');
    // A later pull_request event (no reviews in it) keeps the stored review's times.
    expect(
      (
        await send(
          pr.replace(',"review"', ',"x_review"'),
          sign(pr.replace(',"review"', ',"x_review"')),
          'pull_request',
        )
      ).status,
    ).toBe(200);
    const [still] = await f.t.store.query<{ first_approval_at: Date }>(
      'select first_approval_at from pull_requests where number = 4242',
    );
    expect(still!.first_approval_at.toISOString()).toBe('2025-02-21T10:00:00.000Z');
    const ping = '{"zen":"ok"}';
    expect((await send(ping, sign(ping), 'ping')).status).toBe(200);
  });
});
