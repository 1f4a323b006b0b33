import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { silent } from './setup.js';

const SECRET = 'ordering-test-secret';
const REPO = 'acme/payments-api';
const SHA = 'abcdef1234567890';
const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A workflow_run delivery: `at` is the payload's updated_at. */
const run = (o: { id: number; at: string; attempt?: number; name?: string; conclusion?: string | null }) => ({
  repository: { full_name: REPO },
  workflow_run: {
    id: o.id,
    name: o.name ?? 'ci',
    head_branch: 'main',
    head_sha: SHA,
    run_attempt: o.attempt ?? 1,
    event: 'push',
    status: o.conclusion === undefined || o.conclusion === null ? 'in_progress' : 'completed',
    conclusion: o.conclusion ?? null,
    created_at: '2025-02-20T10:00:00Z',
    run_started_at: o.attempt && o.attempt > 1 ? '2025-02-20T11:00:00Z' : '2025-02-20T10:00:05Z',
    updated_at: o.at,
  },
});

const job = (completed: boolean) => ({
  repository: { full_name: REPO },
  workflow_job: {
    id: 7001,
    run_id: 6001,
    run_attempt: 1,
    workflow_name: 'ci',
    name: 'test (ubuntu)',
    status: completed ? 'completed' : 'in_progress',
    conclusion: completed ? 'success' : null,
    created_at: '2025-02-20T10:00:06Z',
    started_at: '2025-02-20T10:00:10Z',
    completed_at: completed ? '2025-02-20T10:05:00Z' : null,
  },
});

const deploymentStatus = (state: string, at: string) => ({
  repository: { full_name: REPO },
  deployment: {
    id: 9001,
    sha: SHA,
    ref: 'main',
    environment: 'production',
    created_at: '2025-02-20T10:00:00Z',
    updated_at: at,
  },
  deployment_status: { id: state === 'success' ? 2 : 1, state, created_at: at, updated_at: at },
});

const pull = (merged: boolean) => ({
  repository: { full_name: REPO },
  pull_request: {
    number: 4242,
    title: merged ? 'checkout: retry (final)' : 'checkout: retry',
    state: merged ? 'closed' : 'open',
    user: { login: 'octocat', type: 'User' },
    created_at: '2025-02-21T09:00:00Z',
    updated_at: merged ? '2025-02-21T12:00:00Z' : '2025-02-21T09:30:00Z',
    closed_at: merged ? '2025-02-21T12:00:00Z' : null,
    merged_at: merged ? '2025-02-21T12:00:00Z' : null,
    merge_commit_sha: merged ? SHA : null,
    labels: [],
    head: { ref: 'fix/checkout', sha: SHA },
    base: { ref: 'main' },
  },
});

interface Answer {
  status: number;
  body: { ok?: boolean; duplicate?: boolean; records?: number; error?: { code: string; message: string } };
}

describe.each(ENGINES)('GitHub webhooks: late and replayed deliveries on %s', (engine) => {
  let t: TestStore;
  let server: RunningServer;
  let now = new Date('2025-03-01T00:00:00Z');
  let ingestToken: string;

  beforeAll(async () => {
    t = await openTestStore(engine);
    const config = testConfig();
    server = await startServer({
      store: t.store,
      config: { ...config, github: { ...config.github, webhook_secret: SECRET } },
      logger: silent,
      host: '127.0.0.1',
      port: 0,
      clock: () => now,
      schedule: false,
    });
    ingestToken = (await server.ctx.tokens.create('cd', ['ingest'])).token;
  });
  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
  });

  async function send(
    event: string,
    payload: unknown,
    delivery: string | null = randomUUID(),
    signature?: string,
  ): Promise<Answer> {
    const body = JSON.stringify(payload);
    const r = await fetch(`${server.url}/api/v1/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-hub-signature-256': signature ?? sign(body),
        ...(delivery ? { 'x-github-delivery': delivery } : {}),
      },
      body,
    });
    const answer = { status: r.status, body: (await r.json()) as Answer['body'] };
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
    return answer;
  }

  const one = async (sql: string, params: (string | number)[] = []) => {
    const rows = await t.store.query(sql, params);
    expect(rows).toHaveLength(1);
    return JSON.parse(JSON.stringify(rows[0])) as Record<string, unknown>;
  };
  const runRow = (id: number, attempt = 1) =>
    one(
      'select status, conclusion, completed_at, source_updated_at from pipeline_runs where run_id = $1 and attempt = $2',
      [String(id), attempt],
    );

  it('a completed run followed by an older in_progress delivery stays completed', async () => {
    expect(
      (await send('workflow_run', run({ id: 5001, at: '2025-02-20T10:07:00Z', conclusion: 'success' })))
        .status,
    ).toBe(200);
    const late = await send('workflow_run', run({ id: 5001, at: '2025-02-20T10:00:05Z' }));
    expect(late.status).toBe(200);
    expect(late.body.duplicate).toBeUndefined();
    expect(await runRow(5001)).toEqual({
      status: 'completed',
      conclusion: 'success',
      completed_at: '2025-02-20T10:07:00.000Z',
      source_updated_at: '2025-02-20T10:07:00.000Z',
    });
    // In order, the newer delivery replaces the older one as before.
    await send('workflow_run', run({ id: 5002, at: '2025-02-20T10:00:05Z' }));
    expect((await runRow(5002)).status).toBe('in_progress');
    await send('workflow_run', run({ id: 5002, at: '2025-02-20T10:09:00Z', conclusion: 'failure' }));
    expect(await runRow(5002)).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });

  it('a completed state wins a tie with an in_progress one at the same updated_at, in either order', async () => {
    const at = '2025-02-20T10:03:00Z';
    await send('workflow_run', run({ id: 5101, at, conclusion: 'success' }));
    await send('workflow_run', run({ id: 5101, at }));
    expect(await runRow(5101)).toMatchObject({ status: 'completed', conclusion: 'success' });
    await send('workflow_run', run({ id: 5102, at }));
    await send('workflow_run', run({ id: 5102, at, conclusion: 'success' }));
    expect(await runRow(5102)).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('a payload without updated_at is not ordered and keeps the stored time, so the order survives it', async () => {
    await send('workflow_run', run({ id: 5151, at: '2025-02-20T10:07:00Z', conclusion: 'success' }));
    const { updated_at: _, ...unordered } = run({ id: 5151, at: '', conclusion: 'failure' }).workflow_run;
    await send('workflow_run', { repository: { full_name: REPO }, workflow_run: unordered });
    expect(await runRow(5151)).toMatchObject({
      conclusion: 'failure',
      source_updated_at: '2025-02-20T10:07:00.000Z',
    });
    await send('workflow_run', run({ id: 5151, at: '2025-02-20T10:00:05Z' }));
    expect((await runRow(5151)).conclusion).toBe('failure');
  });

  it('jobs, deployment statuses and pull requests keep their newer state against a late delivery', async () => {
    await send('workflow_job', job(true));
    await send('workflow_job', job(false));
    expect(await one(`select conclusion, completed_at from pipeline_jobs where job_id = '7001'`)).toEqual({
      conclusion: 'success',
      completed_at: '2025-02-20T10:05:00.000Z',
    });

    await send('deployment_status', deploymentStatus('success', '2025-02-20T10:06:00Z'));
    await send('deployment_status', deploymentStatus('in_progress', '2025-02-20T10:01:00Z'));
    // The deployment event itself (no status), delivered last, is older than both.
    const { deployment_status: _, ...created } = deploymentStatus('queued', '2025-02-20T10:00:00Z');
    await send('deployment', created);
    expect(
      await one(`select status, finished_at from deployments where id = $1`, [
        `github:${REPO}:deployment:9001`,
      ]),
    ).toEqual({ status: 'success', finished_at: '2025-02-20T10:06:00.000Z' });

    await send('pull_request', pull(true));
    await send('pull_request', pull(false));
    expect(await one('select state, title, merged_at from pull_requests where number = 4242')).toEqual({
      state: 'merged',
      title: 'checkout: retry (final)',
      merged_at: '2025-02-21T12:00:00.000Z',
    });
  });

  it('a newer attempt of a deploy run replaces the older one, and a late older attempt does not', async () => {
    const id = `github:${REPO}:run:5201`;
    const deployment = () =>
      one('select status, started_at, finished_at from deployments where id = $1', [id]);
    await send(
      'workflow_run',
      run({ id: 5201, name: 'deploy', at: '2025-02-20T10:05:00Z', conclusion: 'failure' }),
    );
    expect((await deployment()).status).toBe('failure');
    const second = run({
      id: 5201,
      name: 'deploy',
      attempt: 2,
      at: '2025-02-20T11:04:00Z',
      conclusion: 'success',
    });
    await send('workflow_run', second);
    const expected = {
      status: 'success',
      started_at: '2025-02-20T11:00:00.000Z',
      finished_at: '2025-02-20T11:04:00.000Z',
    };
    expect(await deployment()).toEqual(expected);
    // Attempt 1's completion, delivered again late (a GitHub redelivery has the same id; a new one here).
    await send(
      'workflow_run',
      run({ id: 5201, name: 'deploy', at: '2025-02-20T10:05:00Z', conclusion: 'failure' }),
    );
    expect(await deployment()).toEqual(expected);
    // Each attempt stays its own run.
    expect((await runRow(5201, 1)).conclusion).toBe('failure');
    expect((await runRow(5201, 2)).conclusion).toBe('success');
  });

  it('the same delivery id twice writes once, and the second answer says duplicate', async () => {
    const delivery = randomUUID();
    const payload = run({ id: 5301, at: '2025-02-20T10:07:00Z', conclusion: 'success' });
    expect((await send('workflow_run', payload, delivery)).body).toMatchObject({ ok: true, records: 1 });
    // Another writer (no ordering time: not ordered) changes the run since.
    const ingested = await fetch(`${server.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ingestToken}` },
      body: JSON.stringify({
        records: [
          {
            kind: 'pipeline_run',
            repo: REPO,
            run_id: '5301',
            attempt: 1,
            workflow: 'ci',
            created_at: '2025-02-20T10:00:00Z',
            status: 'completed',
            conclusion: 'cancelled',
          },
        ],
      }),
    });
    expect(ingested.status).toBe(200);
    // A replay with a bad signature is refused before anything else.
    expect((await send('workflow_run', payload, delivery, sign('{}'))).status).toBe(401);
    const replay = await send('workflow_run', payload, delivery);
    expect(replay).toEqual({
      status: 200,
      body: { ok: true, event: 'workflow_run', duplicate: true, records: 0 },
    });
    expect((await runRow(5301)).conclusion).toBe('cancelled');
    expect(await one('select count(*) as n from webhook_deliveries where id = $1', [delivery])).toEqual({
      n: 1,
    });
  });

  it('a captured old payload replayed under a new delivery id changes nothing', async () => {
    const started = run({ id: 5401, at: '2025-02-20T10:00:05Z' });
    const done = run({ id: 5401, at: '2025-02-20T10:07:00Z', conclusion: 'success' });
    await send('workflow_run', started);
    await send('workflow_run', done);
    const before = await runRow(5401);
    for (const captured of [started, done]) {
      const r = await send('workflow_run', captured, randomUUID());
      expect(r.status).toBe(200);
      expect(r.body.duplicate).toBeUndefined();
      expect(await runRow(5401)).toEqual(before);
    }
    expect(before).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('forgets delivery ids after the retention window, and refuses a malformed one', async () => {
    const delivery = randomUUID();
    const payload = run({ id: 5501, at: '2025-02-20T10:07:00Z', conclusion: 'success' });
    await send('workflow_run', payload, delivery);
    expect((await send('workflow_run', payload, delivery)).body.duplicate).toBe(true);
    const saved = now;
    now = new Date(saved.getTime() + 31 * 24 * 3600 * 1000);
    try {
      const later = await send('workflow_run', payload, delivery);
      expect(later.body).toMatchObject({ ok: true, records: 1 });
      expect(later.body.duplicate).toBeUndefined();
    } finally {
      now = saved;
    }
    const bad = await send('workflow_run', run({ id: 5502, at: '2025-02-20T10:07:00Z' }), 'x'.repeat(201));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_argument' });
    expect(bad.body.error!.message).toContain('X-GitHub-Delivery');
    expect(await t.store.query(`select run_id from pipeline_runs where run_id = '5502'`)).toEqual([]);
  });

  it('orders records on the API ingest path too, by the source_updated_at they carry', async () => {
    const record = (at: string | undefined, conclusion: string) => ({
      kind: 'pipeline_run',
      repo: REPO,
      run_id: '5601',
      attempt: 1,
      workflow: 'ci',
      created_at: '2025-02-20T10:00:00Z',
      completed_at: '2025-02-20T10:07:00Z',
      status: 'completed',
      conclusion,
      ...(at && { source_updated_at: at }),
    });
    const post = async (rec: unknown) => {
      const r = await fetch(`${server.url}/api/v1/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ingestToken}` },
        body: JSON.stringify({ records: [rec] }),
      });
      expect(r.status).toBe(200);
    };
    await post(record('2025-02-20T10:07:00Z', 'success'));
    await post(record('2025-02-20T10:02:00Z', 'failure'));
    expect(await runRow(5601)).toMatchObject({
      conclusion: 'success',
      source_updated_at: '2025-02-20T10:07:00.000Z',
    });
    await post(record('2025-02-20T10:08:00Z', 'cancelled'));
    expect((await runRow(5601)).conclusion).toBe('cancelled');
    // A record without an ordering time is not ordered: it updates as before, and keeps the time.
    await post(record(undefined, 'failure'));
    expect(await runRow(5601)).toMatchObject({
      conclusion: 'failure',
      source_updated_at: '2025-02-20T10:08:00.000Z',
    });
  });
});
