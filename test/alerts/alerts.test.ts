import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import {
  configFrom,
  startSmtpReceiver,
  startWebhookReceiver,
  type SmtpReceiver,
  type WebhookReceiver,
} from './receivers.js';

const HOOK_PATH = '/services/T0PITWALL/B0ALERTS/s3cr3tW3bh00kT0k3n';
const SMTP_PASSWORD = 'smtp-pa55word-never-logged';
const DAY = 86_400_000;
const T0 = Date.parse('2025-01-01T00:00:00Z');
const at = (days: number, hours = 0) => new Date(T0 + days * DAY + hours * 3_600_000);

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** One CI run of `minutes` in `repo`, created at `t`. */
const run = (repo: string, id: string, t: Date, minutes: number) => ({
  kind: 'pipeline_run',
  repo,
  run_id: id,
  workflow: 'ci',
  created_at: t.toISOString(),
  started_at: t.toISOString(),
  completed_at: new Date(t.getTime() + minutes * 60_000).toISOString(),
  status: 'completed',
  conclusion: 'success',
});

/**
 * acme/slow: 45-minute runs in the first week, 5-minute runs in the second, slow again in the
 * fourth; acme/fast: 5-minute runs throughout. The rule (p90 above 30 min for 1h, by repo) so
 * fires for acme/slow only, resolves in week 2, fires again in week 4.
 */
function runs() {
  const out: ReturnType<typeof run>[] = [];
  for (let d = 0; d < 28; d++)
    for (let k = 0; k < 4; k++) {
      const t = at(d, 2 + k * 3);
      const slow = d < 7 || (d >= 20 && d < 27);
      out.push(run('acme/slow', `s${d}-${k}`, t, slow ? 45 : 5));
      out.push(run('acme/fast', `f${d}-${k}`, t, 5));
    }
  return out;
}

const yaml = (closedPort: number) => ({
  alerts: [
    {
      name: 'ci-slow',
      metric: 'ci.runs.duration_p90_minutes',
      when: 'above',
      threshold: 30,
      window: '7d',
      for: '1h',
      by: 'repo',
      channels: ['platform-slack', 'oncall-mail', 'broken-hook'],
      severity: 'critical',
    },
  ],
  notify: {
    channels: {
      'platform-slack': { type: 'slack', webhook_url_env: 'SLACK_HOOK' },
      'broken-hook': { type: 'slack', webhook_url_env: 'BROKEN_HOOK', retries: 1 },
      'oncall-mail': {
        type: 'email',
        host: '127.0.0.1',
        port: closedPort,
        user_env: 'SMTP_USER',
        password_env: 'SMTP_PASSWORD',
        from: 'pitwall@example.com',
        to: ['oncall@example.com'],
      },
    },
  },
});

describe.each(ENGINES)('alerts (%s)', (engine) => {
  let t: TestStore;
  let store: Store;
  let slack: WebhookReceiver;
  let smtp: SmtpReceiver;
  let server: RunningServer;
  let config: Config;
  let env: Record<string, string>;
  let now = at(7);
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void logs.push(s) });
  let ingestToken: string;
  let readToken: string;

  const start = async (s: Store) => {
    server = await startServer({
      store: s,
      config,
      logger,
      host: '127.0.0.1',
      port: 0,
      clock: () => now,
      schedule: false,
      env,
      notifyBackoffMs: 5,
    });
  };
  const call = (path: string, token: string | null, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const evaluateAt = async (when: Date) => {
    now = when;
    return (await server.alerts.evaluate())!;
  };
  const sentTo = () => ({ slack: slack.payloads.length, mail: smtp.mails.length });

  beforeAll(async () => {
    t = await openTestStore(engine);
    store = t.store;
    slack = await startWebhookReceiver(HOOK_PATH);
    smtp = await startSmtpReceiver('pitwall', SMTP_PASSWORD);
    env = {
      SLACK_HOOK: slack.url,
      // A port nothing listens on: every delivery there fails, and is retried next pass.
      BROKEN_HOOK: `http://127.0.0.1:${await closedPort()}${HOOK_PATH}`,
      SMTP_USER: 'pitwall',
      SMTP_PASSWORD,
    };
    config = configFrom(yaml(smtp.port));
    await ingest(store, runs());
    await ensureFresh(store, config);
    await start(store);
    ingestToken = (await server.ctx.tokens.create('ops', ['ingest'])).token;
    readToken = (await server.ctx.tokens.create('viewer', ['read'])).token;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await slack?.close();
    await smtp?.close();
    await t?.cleanup();
  });

  it('is pending until the condition has held for `for`, then fires once for the breaching group', async () => {
    const first = await evaluateAt(at(7));
    expect(first.fired).toEqual([]);
    let list = await (await call('/api/v1/alerts', readToken)).json();
    expect(list.alerts.map((a: { group: string; state: string }) => [a.group, a.state])).toEqual([
      ['acme/slow', 'pending'],
    ]);
    expect(sentTo()).toEqual({ slack: 0, mail: 0 });

    await evaluateAt(at(7, 0.5));
    expect(sentTo()).toEqual({ slack: 0, mail: 0 });

    // The webhook fails twice: the channel retries with backoff and delivers once.
    slack.failNext(2);
    const fired = await evaluateAt(at(7, 1));
    expect(fired.fired).toHaveLength(1);
    expect(slack.attempts).toBe(3);
    expect(sentTo()).toEqual({ slack: 1, mail: 1 });
    const [payload] = slack.payloads;
    expect(payload!.text).toBe('FIRING critical: ci-slow (repo acme/slow)');
    expect(payload!.attachments![0]!.text).toContain('is 45 minutes over the last 7d');
    expect(payload!.attachments![0]!.text).toContain('(rule: above 30 minutes, held for 1h)');
    const mail = smtp.mails[0]!;
    expect(mail.subject).toBe('FIRING critical: ci-slow (repo acme/slow)');
    expect(mail.text).toContain('Firing since 2025-01-08T01:00:00.000Z');
    expect(smtp.rcpt[0]).toEqual(['oncall@example.com']);

    list = await (await call('/api/v1/alerts', readToken)).json();
    const a = list.alerts[0];
    expect(a).toMatchObject({
      rule: 'ci-slow',
      by: 'repo',
      group: 'acme/slow',
      state: 'firing',
      severity: 'critical',
      value: 45,
      threshold: 30,
      valueText: '45 minutes',
      condition: 'above 30 minutes',
      since: '2025-01-08T01:00:00.000Z',
    });
    // The broken channel failed; its error is kept without its URL.
    expect(a.lastError).toMatch(/broken-hook: the webhook could not be reached \(ECONNREFUSED\)/);
  });

  it('stays quiet while firing, and after a restart on the same store', async () => {
    const before = sentTo();
    const again = await evaluateAt(at(7, 2));
    expect(again.fired).toEqual([]);
    expect(sentTo()).toEqual(before);
    // The broken channel is retried each pass (it was never told), the others are not.
    expect(again.deliveries.map((d) => [d.channel, d.ok])).toEqual([['broken-hook', false]]);

    await server.close();
    await store.close();
    store = await openStore({ duckdbPath: t.config.duckdbPath, databaseUrl: t.config.databaseUrl });
    t.store = store;
    await start(store);
    const afterRestart = await evaluateAt(at(7, 3));
    expect(afterRestart.fired).toEqual([]);
    expect(sentTo()).toEqual(before);
    const list = await (await call('/api/v1/alerts', readToken)).json();
    expect(list.alerts[0].state).toBe('firing');
  });

  it('acknowledges through the API with the ingest scope only', async () => {
    const [a] = (await (await call('/api/v1/alerts', readToken)).json()).alerts;
    expect((await call(`/api/v1/alerts/${a.id}/ack`, null, {})).status).toBe(401);
    expect((await call(`/api/v1/alerts/${a.id}/ack`, readToken, {})).status).toBe(403);
    const missing = await call('/api/v1/alerts/nope.00000000/ack', ingestToken, {});
    expect(missing.status).toBe(404);
    const bad = await call(`/api/v1/alerts/${a.id}/ack`, ingestToken, { who: 'x' });
    expect(bad.status).toBe(400);
    const res = await call(`/api/v1/alerts/${a.id}/ack`, ingestToken, { by: 'dana' });
    expect(res.status).toBe(200);
    const { alert } = await res.json();
    expect(alert).toMatchObject({
      acknowledgedBy: 'dana',
      acknowledgedAt: at(7, 3).toISOString(),
      state: 'firing',
    });
    // An evaluation keeps the acknowledgement.
    await evaluateAt(at(7, 4));
    const [still] = (await (await call('/api/v1/alerts', readToken)).json()).alerts;
    expect(still.acknowledgedBy).toBe('dana');
  });

  it('resolves once when the condition no longer holds', async () => {
    const before = sentTo();
    const r = await evaluateAt(at(15));
    expect(r.resolved).toHaveLength(1);
    expect(sentTo()).toEqual({ slack: before.slack + 1, mail: before.mail + 1 });
    expect(slack.payloads.at(-1)!.text).toBe('RESOLVED: ci-slow (repo acme/slow)');
    expect(smtp.mails.at(-1)!.subject).toBe('RESOLVED: ci-slow (repo acme/slow)');
    await evaluateAt(at(15, 1));
    expect(sentTo()).toEqual({ slack: before.slack + 1, mail: before.mail + 1 });
    expect((await (await call('/api/v1/alerts', readToken)).json()).alerts).toEqual([]);
    const resolved = (await (await call('/api/v1/alerts?state=resolved', readToken)).json()).alerts;
    expect(resolved.map((a: { state: string }) => a.state)).toEqual(['resolved']);
    // A resolved alert cannot be acknowledged.
    expect((await call(`/api/v1/alerts/${resolved[0].id}/ack`, ingestToken, {})).status).toBe(400);
  });

  it('silenced, fires without a message; once the silence ends, notifies once', async () => {
    const before = sentTo();
    await evaluateAt(at(27)); // slow again: pending
    const [a] = (await (await call('/api/v1/alerts', readToken)).json()).alerts;
    expect(a.state).toBe('pending');
    const past = await call(`/api/v1/alerts/${a.id}/silence`, ingestToken, { until: at(26).toISOString() });
    expect(past.status).toBe(400);
    expect((await past.json()).error.message).toContain('must be in the future');
    const notDate = await call(`/api/v1/alerts/${a.id}/silence`, ingestToken, { until: 'tomorrow' });
    expect(notDate.status).toBe(400);
    const ok = await call(`/api/v1/alerts/${a.id}/silence`, ingestToken, { until: at(27, 5).toISOString() });
    expect(ok.status).toBe(200);
    expect((await ok.json()).alert.silenced).toBe(true);

    const fired = await evaluateAt(at(27, 1));
    expect(fired.fired).toHaveLength(1);
    expect(sentTo()).toEqual(before);
    const [firing] = (await (await call('/api/v1/alerts', readToken)).json()).alerts;
    // A new episode: the earlier acknowledgement does not carry over.
    expect(firing).toMatchObject({ state: 'firing', acknowledgedAt: null, silenced: true });

    await evaluateAt(at(27, 5));
    expect(sentTo()).toEqual({ slack: before.slack + 1, mail: before.mail + 1 });
    expect(slack.payloads.at(-1)!.text).toBe('FIRING critical: ci-slow (repo acme/slow)');
    await evaluateAt(at(27, 6));
    expect(sentTo()).toEqual({ slack: before.slack + 1, mail: before.mail + 1 });
  });

  it('never writes a channel secret to the logs or the store', async () => {
    const text = logs.join('');
    expect(text).toContain('alert notification failed');
    for (const secret of ['s3cr3tW3bh00kT0k3n', slack.url, SMTP_PASSWORD]) {
      expect(text).not.toContain(secret);
      const rows = await store.query('select * from alert_state');
      expect(JSON.stringify(rows)).not.toContain(secret);
    }
  });
});

describe('alert rules are checked when the config loads', () => {
  const base = (rule: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    alerts: [{ name: 'r', metric: 'ci.runs.success_rate', when: 'below', threshold: 0.9, ...rule }],
    notify: { channels: { ops: { type: 'slack', webhook_url_env: 'HOOK' } } },
    ...extra,
  });
  const fails = (yaml: Record<string, unknown>) => {
    try {
      configFrom(yaml);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected the config to be refused');
  };

  it('names the key of an unknown metric, a bad duration, an unknown channel or group-by', () => {
    expect(fails(base({ metric: 'ci.runs.succes_rate' }))).toMatch(
      /config key "alerts\.0\.metric": no metric is named "ci\.runs\.succes_rate"; did you mean .*ci\.runs\.success_rate/,
    );
    expect(fails(base({ for: '10 minutes' }))).toMatch(/config key "alerts\.0\.for": expected a duration/);
    expect(fails(base({ channels: ['ops', 'pager'] }))).toMatch(
      /config key "alerts\.0\.channels\.1": no channel named "pager" in notify\.channels \(ops\)/,
    );
    expect(fails(base({ by: 'author' }))).toMatch(
      /config key "alerts\.0\.by": metric ci\.runs\.success_rate cannot be grouped by "author"/,
    );
    expect(fails(base({ when: 'over' }))).toMatch(/config key "alerts\.0\.when"/);
    expect(fails(base({}, { digests: { week: { cron: '0 8 * * 1', channels: ['mail'] } } }))).toMatch(
      /config key "digests\.week\.channels\.0": no channel named "mail"/,
    );
    expect(
      fails(base({}, { notify: { channels: { ops: { type: 'slack', webhook_url: 'https://hooks' } } } })),
    ).toMatch(/config key "notify\.channels\.ops/);
  });

  it('accepts a valid rule with its defaults', () => {
    const c = configFrom(base({ channels: ['ops'] }));
    expect(c.alerts[0]).toMatchObject({
      window: '7d',
      for: '0m',
      by: null,
      severity: 'warning',
      channels: ['ops'],
    });
    expect(c.notify.evaluate).toBe('*/5 * * * *');
  });

  it('refuses to start a server whose channel secret is not in the environment', async () => {
    const t = await openTestStore('duckdb');
    try {
      await expect(
        startServer({
          store: t.store,
          config: configFrom(base({ channels: ['ops'] })),
          logger: pino({ level: 'silent' }),
          host: '127.0.0.1',
          port: 0,
          schedule: false,
          env: {},
        }),
      ).rejects.toThrow(/notify\.channels\.ops\.webhook_url_env": the environment variable HOOK is not set/);
    } finally {
      await t.cleanup();
    }
  });
});
