import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackChannel } from '../../src/alerts/channels/slack.js';
import { evaluateAlerts } from '../../src/alerts/evaluate.js';
import type { AlertRule } from '../../src/alerts/config.js';
import type { Config } from '../../src/config/schema.js';
import { createDemo } from '../../src/demo/generate.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest, ingestBatches } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { MetricRegistry } from '../../src/metrics/registry/registry.js';
import type { MetricDefinition } from '../../src/metrics/registry/types.js';
import { buildDigest, digestWindow, DIGEST_DORA } from '../../src/report/digest/index.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import {
  configFrom,
  startSmtpReceiver,
  startWebhookReceiver,
  type SmtpReceiver,
  type WebhookReceiver,
} from './receivers.js';

const DEMO_END = new Date('2025-03-01T00:00:00Z');
const SMTP_PASSWORD = 'digest-smtp-secret';

describe.each(ENGINES)('digests (%s)', (engine) => {
  let t: TestStore;
  let smtp: SmtpReceiver;
  let hook: WebhookReceiver;
  let server: RunningServer;
  let config: Config;

  beforeAll(async () => {
    t = await openTestStore(engine);
    smtp = await startSmtpReceiver('pitwall', SMTP_PASSWORD);
    hook = await startWebhookReceiver('/hooks/devex-all');
    config = configFrom({
      notify: {
        channels: {
          exec: {
            type: 'email',
            host: '127.0.0.1',
            port: smtp.port,
            user_env: 'SMTP_USER',
            password_env: 'SMTP_PASSWORD',
            from: 'Pitwall <pitwall@example.com>',
            to: ['platform@example.com'],
          },
          everyone: { type: 'slack', webhook_url_env: 'MATTERMOST_HOOK' },
        },
      },
      digests: {
        week: { cron: '0 8 * * 1', channels: ['exec'], recipients: ['cto@example.com', 'vp@example.com'] },
        month: { cron: '0 8 1 * *', channels: ['everyone', 'exec'] },
      },
    });
    await ingestBatches(
      t.store,
      createDemo({ developers: 16, days: 70, seed: 7, end: DEMO_END }).batches(10_000),
    );
    await ensureFresh(t.store, config);
    server = await startServer({
      store: t.store,
      config,
      logger: pino({ level: 'silent' }),
      host: '127.0.0.1',
      port: 0,
      clock: () => DEMO_END,
      schedule: false,
      env: { SMTP_USER: 'pitwall', SMTP_PASSWORD, MATTERMOST_HOOK: hook.url },
    });
  }, 300_000);

  afterAll(async () => {
    await server?.close();
    await smtp?.close();
    await hook?.close();
    await t?.cleanup();
  });

  it('the weekly digest carries the registry numbers of its week', async () => {
    const registry = registryFor(config);
    const d = await buildDigest(t.store, registry, config, { period: 'week', now: DEMO_END });
    expect(d.from.toISOString()).toBe('2025-02-22T00:00:00.000Z');
    expect(d.to.toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(d.dora.map((l) => l.metric)).toEqual([...DIGEST_DORA]);
    for (const l of [...d.dora, ...d.satisfaction]) {
      const [v] = await registry.compute(t.store, l.metric, { from: d.from, to: d.to });
      expect(l.value, l.metric).toBe(v?.value ?? null);
    }
    // The demo has changes shipped in its last week: the headline is not empty.
    expect(d.dora.find((l) => l.metric === 'dora.lead_time.median_hours')!.value).toBeGreaterThan(0);
    expect(d.satisfaction.map((l) => l.metric)).toEqual(['dx.survey.nps']);
    expect(d.attention.length).toBeLessThanOrEqual(5);
  });

  it('sends the weekly digest by email, HTML and text, to the digest recipients', async () => {
    const sent = await server.alerts.sendDigest('week');
    expect(sent).toEqual([{ channel: 'exec', ok: true }]);
    expect(smtp.mails).toHaveLength(1);
    const m = smtp.mails[0]!;
    expect(m.subject).toBe('Weekly engineering digest, 2025-02-22 to 2025-02-28');
    expect(smtp.rcpt[0]).toEqual(['cto@example.com', 'vp@example.com']);
    expect(m.from!.text).toContain('pitwall@example.com');
    expect(m.html).toContain(
      '<h1 style="font-size:20px">Weekly engineering digest, 2025-02-22 to 2025-02-28</h1>',
    );
    expect(m.html).toContain('Delivery (DORA)');
    expect(m.html).toContain('Developer NPS');
    expect(m.text).toContain('Attention required\n------------------');
    expect(m.text).toMatch(/Lead time for changes \(median\): \d+(\.\d+)? hours/);
    expect(m.text).toContain('Active alerts (0; 0 fired in the period)');
  });

  it('posts the monthly State of DevEx to the webhook and mails it', async () => {
    const sent = await server.alerts.sendDigest('month');
    expect(sent.map((s) => s.ok)).toEqual([true, true]);
    expect(hook.payloads).toHaveLength(1);
    const text = hook.payloads[0]!.text;
    expect(text).toMatch(/^\*\*State of DevEx, February 2025\*\*/);
    expect(text).toContain('## Developer satisfaction and experience');
    expect(text).toContain('## Platform health');
    expect(text).toContain('| CI success rate |');
    const m = smtp.mails.at(-1)!;
    expect(m.subject).toBe('State of DevEx, February 2025');
    expect(smtp.rcpt.at(-1)).toEqual(['platform@example.com']);
  });

  it('pitwall digest prints each format, and --send without a schedule exits 2', async () => {
    const env = t.config.databaseUrl
      ? { DATABASE_URL: t.config.databaseUrl }
      : { PITWALL_DB: t.config.duckdbPath! };
    // The store is held by the server on DuckDB: print from a second server-less read on PostgreSQL only.
    if (engine === 'duckdb') {
      const bad = await cli(['digest', '--period', 'fortnight'], {
        env: { ...env, PITWALL_DB: '/nonexistent/x.duckdb' },
      });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("'fortnight' is invalid");
      return;
    }
    const md = await cli(['digest', '--period', 'month', '--format', 'markdown', '--at', '2025-03-01'], {
      env,
    });
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toMatch(/^# State of DevEx, February 2025/);
    const html = await cli(['digest', '--format', 'html', '--at', '2025-03-01'], { env });
    expect(html.stdout).toMatch(/^<!doctype html>/);
    const text = await cli(['digest', '--format', 'text', '--at', '2025-03-01'], { env });
    expect(text.stdout).toMatch(/^Weekly engineering digest, 2025-02-22 to 2025-02-28\n=+\n/);
    const send = await cli(['digest', '--send'], { env });
    expect(send.code).toBe(2);
    expect(send.stderr).toContain('pitwall.yaml has no digests.week');
  });
});

describe('digest windows', () => {
  it('the week is the 7 whole days before today, the month the calendar month before', () => {
    const now = new Date('2025-03-12T15:00:00Z');
    expect(digestWindow('week', now)).toEqual({
      from: new Date('2025-03-05T00:00:00Z'),
      to: new Date('2025-03-12T00:00:00Z'),
    });
    expect(digestWindow('month', now)).toEqual({
      from: new Date('2025-02-01T00:00:00Z'),
      to: new Date('2025-03-01T00:00:00Z'),
    });
    expect(digestWindow('month', new Date('2025-01-01T08:00:00Z')).from).toEqual(
      new Date('2024-12-01T00:00:00Z'),
    );
  });
});

/** A personal survey metric (as the survey constructs are): withheld below privacy.min_group_size. */
const personal: MetricDefinition = {
  name: 'dx.survey.alert_probe',
  version: 1,
  title: 'Probe score',
  unit: 'score (1-5)',
  description: 'mean answer',
  why: 'test',
  action: 'talk to the team',
  direction: 'higher_is_better',
  groupBy: ['team'],
  person: 'respondent',
  personal: true,
  facts: `select s.answered_at as ts, s.score as v, s.team, s.respondent from survey_responses s where s.question = 'probe'`,
  aggregate: 'avg(v)',
};

describe.each(ENGINES)('alert evaluation against the registry (%s)', (engine) => {
  let t: TestStore;
  let hook: WebhookReceiver;
  const now = new Date('2025-01-15T00:00:00Z');
  const answers = (team: string, n: number, score: number) =>
    Array.from({ length: n }, (_, i) => ({
      kind: 'survey_response',
      survey: 'pulse',
      respondent: `${team}-${i}`,
      question: 'probe',
      team,
      answered_at: '2025-01-10T00:00:00Z',
      score,
    }));

  beforeAll(async () => {
    t = await openTestStore(engine);
    hook = await startWebhookReceiver('/hooks/x');
    // Team small: 3 unhappy people (withheld at k = 5). Team big: 6 unhappy people.
    await ingest(t.store, [...answers('small', 3, 1), ...answers('big', 6, 2)]);
  }, 120_000);
  afterAll(async () => {
    await hook?.close();
    await t?.cleanup();
  });

  const rule = (r: Partial<AlertRule>): AlertRule => ({
    name: 'probe-low',
    metric: personal.name,
    when: 'below',
    threshold: 3,
    window: '7d',
    for: '0m',
    by: 'team',
    channels: ['hook'],
    severity: 'warning',
    ...r,
  });

  it('a withheld personal value never fires; the same rule fires for a group large enough', async () => {
    const registry = new MetricRegistry([personal], { minGroupSize: 5 });
    const channels = new Map([['hook', slackChannel({ name: 'hook', url: hook.url, retries: 0 })]]);
    const logger = { info: () => undefined, warn: () => undefined };
    const r = await evaluateAlerts({ store: t.store, registry, rules: [rule({})], channels, now, logger });
    expect(r.fired).toHaveLength(1);
    expect(hook.payloads.map((p) => p.text)).toEqual(['FIRING warning: probe-low (team big)']);
    const rows = await t.store.query<{ grp: string }>('select grp from alert_state');
    expect(rows.map((x) => x.grp)).toEqual(['big']);
  });

  it('change compares the window with the equal window before it', async () => {
    // Week before: big scored 2 (see above, 2025-01-10). This week: 6 people answer 3 → +50%.
    await ingest(
      t.store,
      answers('big', 6, 3).map((a) => ({ ...a, survey: 'pulse-2', answered_at: '2025-01-17T00:00:00Z' })),
    );
    const registry = new MetricRegistry([personal], { minGroupSize: 5 });
    const channels = new Map([['hook', slackChannel({ name: 'hook', url: hook.url, retries: 0 })]]);
    const logger = { info: () => undefined, warn: () => undefined };
    const later = new Date('2025-01-22T00:00:00Z');
    const rise = rule({ name: 'probe-rise', when: 'change', threshold: 0.4 });
    const tooHigh = rule({ name: 'probe-rise-60', when: 'change', threshold: 0.6 });
    const r = await evaluateAlerts({
      store: t.store,
      registry,
      rules: [rise, tooHigh],
      channels,
      now: later,
      logger,
    });
    expect(r.fired.map((id) => id.split('.')[0])).toEqual(['probe-rise']);
    const [row] = await t.store.query<{ value: number }>(
      `select value from alert_state where rule = 'probe-rise'`,
    );
    expect(row!.value).toBeCloseTo(0.5, 10);
    expect(hook.payloads.at(-1)!.attachments![0]!.text).toContain('is +50.0% over the last 7d');
  });
});
