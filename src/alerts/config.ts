import { Cron } from 'croner';
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import { configSection } from '../config/sections.js';
import { registryFor } from '../metrics/definitions/index.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^(\d+)\s*(s|m|h|d|w)$/;

/** "15m", "2h", "7d" → milliseconds; null when it is not such a duration. */
export function durationMs(s: string): number | null {
  const m = DURATION.exec(s.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : null;
}

const duration = (example: string) =>
  z
    .string({ error: `expected a duration such as ${example}` })
    .refine(
      (s) => durationMs(s) !== null,
      `expected a duration: a whole number and s, m, h, d or w, e.g. ${example}`,
    );

function validCron(s: string): boolean {
  try {
    new Cron(s, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}
const cron = (example: string) =>
  z.string().min(1).refine(validCron, `expected a cron expression (UTC), e.g. "${example}"`);

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const name = (what: string) =>
  z.string().regex(NAME, `a ${what} name is letters, digits, "_", "-" or ".", e.g. ci-slow`);

/**
 * One alert rule. `window` is the span the metric is computed over at each evaluation (and, for
 * `change`, the equal span before it); `for` is how long the condition must hold before the
 * alert fires, so a one-off spike between two evaluations does not page anyone.
 */
export const alertRule = z
  .object({
    name: name('rule'),
    metric: z.string().min(1),
    when: z.enum(['above', 'below', 'change'], {
      error: 'expected above, below or change (relative change against the previous window)',
    }),
    /** above/below: the metric's own unit. change: a fraction, 0.2 = up 20% or more, -0.2 = down 20% or more. */
    threshold: z.number({ error: 'expected a number, e.g. 20 (change: a fraction such as 0.2)' }),
    window: duration('7d').default('7d'),
    for: duration('30m').default('0m'),
    /** One alert per value of this group-by of the metric (e.g. repo, team). */
    by: z.string().min(1).nullable().default(null),
    channels: z.array(z.string().min(1)).default([]),
    severity: z.enum(['critical', 'warning', 'info']).default('warning'),
  })
  .strict()
  .superRefine((r, c) => {
    if (r.when === 'change' && r.threshold === 0)
      c.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: 'a change threshold of 0 fires on any movement: use e.g. 0.2 (up 20%) or -0.2 (down 20%)',
      });
  });
export type AlertRule = z.output<typeof alertRule>;

export const alertsSection = z.array(alertRule).default([]);

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the NAME of an environment variable, e.g. SLACK_WEBHOOK_URL');

/**
 * A Slack incoming webhook (Mattermost's incoming webhooks take the same payload). The URL is a
 * secret: the config names the environment variable that holds it, never the URL itself.
 */
const slackChannel = z
  .object({
    type: z.literal('slack'),
    webhook_url_env: envName,
    /** Tries per message, with exponential backoff between them. */
    retries: z.number().int().min(0).max(10).default(3),
  })
  .strict();

const emailChannel = z
  .object({
    type: z.literal('email'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535).default(587),
    /** true: TLS from the first byte (port 465). false: plain, upgraded by STARTTLS when offered. */
    secure: z.boolean().default(false),
    user_env: envName.nullable().default(null),
    password_env: envName.nullable().default(null),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).default([]),
  })
  .strict();

export const notifySection = z
  .object({
    /** When `pitwall serve` evaluates the alert rules (cron, UTC): every 5 minutes by default. */
    evaluate: cron('*/5 * * * *').default('*/5 * * * *'),
    channels: z
      .record(
        z.string().regex(NAME, 'a channel name is letters, digits, "_", "-" or "."'),
        z.discriminatedUnion('type', [slackChannel, emailChannel], {
          error: 'expected type: slack (incoming webhook, also Mattermost) or type: email (SMTP)',
        }),
      )
      .default({}),
  })
  .strict()
  .prefault({});
export type NotifyConfig = z.output<typeof notifySection>;
export type ChannelConfig = NotifyConfig['channels'][string];

const digest = (example: string) =>
  z
    .object({
      cron: cron(example),
      channels: z.array(z.string().min(1)).min(1, 'name at least one channel of notify.channels'),
      /** Email addresses that replace the email channel's `to` for this digest. */
      recipients: z.array(z.string().min(3)).default([]),
    })
    .strict();

/** The weekly executive digest and the monthly State of DevEx, sent on their own schedules. */
export const digestsSection = z
  .object({
    week: digest('0 8 * * 1').optional(),
    month: digest('0 8 1 * *').optional(),
  })
  .strict()
  .prefault({});
export type DigestsConfig = z.output<typeof digestsSection>;

export const alertsSettings = configSection('alerts', alertsSection);
export const notifySettings = configSection('notify', notifySection);
export const digestsSettings = configSection('digests', digestsSection);

declare module '../config/schema.js' {
  interface PluginSections {
    alerts: AlertRule[];
    notify: NotifyConfig;
    digests: DigestsConfig;
  }
}

/**
 * What the sections cannot check alone: a rule's metric and group-by against the registry,
 * and every channel a rule or digest names against notify.channels. Run when the config loads.
 */
export function alertConfigIssues(cfg: Config): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const registry = registryFor(cfg);
  const known = new Set(registry.list().map((d) => d.name));
  const channels = Object.keys(cfg.notify.channels);
  const channelIssue = (path: (string | number)[], ch: string) =>
    issues.push({
      path,
      message: `no channel named ${JSON.stringify(ch)} in notify.channels (${channels.join(', ') || 'none defined'}): define it there or remove it`,
    });
  const seen = new Set<string>();
  cfg.alerts.forEach((r, i) => {
    if (seen.has(r.name))
      issues.push({
        path: ['alerts', i, 'name'],
        message: `rule name ${r.name} is used twice: names must be unique`,
      });
    seen.add(r.name);
    if (!known.has(r.metric)) {
      const near = [...known].filter((m) => m.split('.')[0] === r.metric.split('.')[0]).slice(0, 5);
      issues.push({
        path: ['alerts', i, 'metric'],
        message: `no metric is named ${JSON.stringify(r.metric)}${near.length ? `; did you mean ${near.join(', ')}?` : ''} (see: pitwall metrics list)`,
      });
    } else if (r.by && !registry.get(r.metric).groupBy.includes(r.by)) {
      const allowed = registry.get(r.metric).groupBy;
      issues.push({
        path: ['alerts', i, 'by'],
        message: `metric ${r.metric} cannot be grouped by "${r.by}"; allowed: ${allowed.join(', ') || 'none'}`,
      });
    }
    r.channels.forEach((ch, j) => {
      if (!(ch in cfg.notify.channels)) channelIssue(['alerts', i, 'channels', j], ch);
    });
  });
  for (const period of ['week', 'month'] as const)
    cfg.digests[period]?.channels.forEach((ch, j) => {
      if (!(ch in cfg.notify.channels)) channelIssue(['digests', period, 'channels', j], ch);
    });
  return issues;
}
