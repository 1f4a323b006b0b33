import type { Hono } from 'hono';
import { z } from 'zod';
import { acknowledgeAlert, silenceAlert } from '../alerts/actions.js';
import type { AlertRule } from '../alerts/config.js';
import { conditionText, shownValue } from '../alerts/message.js';
import { readAlerts, type Alert, type AlertStatus } from '../alerts/state.js';
import { instant } from '../domain/time.js';
import { requireScope, type AuthOptions } from './auth.js';
import { jsonBody, queryOf } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { readerOf } from './reads.js';

const STATES: Record<string, AlertStatus[] | undefined> = {
  active: ['firing', 'pending'],
  firing: ['firing'],
  pending: ['pending'],
  resolved: ['resolved'],
  all: undefined,
};

const listQuery = z
  .object({
    state: z
      .enum(['active', 'firing', 'pending', 'resolved', 'all'], {
        error: 'state is one of active (firing and pending, the default), firing, pending, resolved, all',
      })
      .default('active'),
  })
  .strict();
const ackBody = z.object({ by: z.string().trim().min(1).max(200).optional() }).strict();
const silenceBody = z
  .object({
    // when the silence ends (ISO-8601), or null to lift it
    until: instant.nullable(),
  })
  .strict();

/** An alert as the API and the panel show it: its rule's condition and value in words too. */
export interface AlertView {
  id: string;
  rule: string;
  by: string | null;
  group: string | null;
  metric: string;
  title: string;
  severity: string;
  state: AlertStatus;
  when: AlertRule['when'] | null;
  value: number | null;
  threshold: number;
  valueText: string;
  condition: string;
  /** Since when it fires (or, pending, since when the condition holds). */
  since: Date | null;
  firedAt: Date | null;
  resolvedAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  silencedUntil: Date | null;
  silenced: boolean;
  lastError: string | null;
}

export function alertView(ctx: ServerContext, a: Alert): AlertView {
  const rule = ctx.config.alerts.find((r) => r.name === a.rule) ?? null;
  const unit = ctx.registry.list().find((d) => d.name === a.metric);
  const when = rule?.when ?? null;
  const shape = { when: when ?? 'above', threshold: a.threshold } as const;
  const now = ctx.clock();
  return {
    id: a.id,
    rule: a.rule,
    by: rule?.by ?? null,
    group: a.group,
    metric: a.metric,
    title: unit?.title ?? a.metric,
    severity: a.severity,
    state: a.state,
    when,
    value: a.value,
    threshold: a.threshold,
    valueText: shownValue(shape, unit?.unit ?? '', a.value),
    condition: conditionText(shape, unit?.unit ?? ''),
    since: a.state === 'pending' ? a.pendingSince : a.firedAt,
    firedAt: a.firedAt,
    resolvedAt: a.resolvedAt,
    acknowledgedAt: a.acknowledgedAt,
    acknowledgedBy: a.acknowledgedBy,
    silencedUntil: a.silencedUntil,
    silenced: a.silencedUntil !== null && now < a.silencedUntil,
    lastError: a.lastError,
  };
}

/**
 * The alerts of `alerts:` (GET /api/v1/alerts) and what people do about them: acknowledge
 * (someone is on it) and silence (no message until a time). Both write, so both need the
 * ingest scope, the one that writes; reads need read. No read cache: state changes on the schedule.
 */
export function alertRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  const read = requireScope(ctx, auth, 'read');
  const write = requireScope(ctx, auth, 'ingest');

  app.get('/api/v1/alerts', read, async (c) => {
    const q = queryOf(c, listQuery);
    const alerts = await readAlerts(readerOf(c, ctx), STATES[q.state]);
    return c.json({
      alerts: alerts.map((a) => alertView(ctx, a)),
      rules: ctx.config.alerts.map((r) => ({
        name: r.name,
        metric: r.metric,
        when: r.when,
        threshold: r.threshold,
        window: r.window,
        for: r.for,
        by: r.by,
        severity: r.severity,
        channels: r.channels,
      })),
    });
  });

  app.post('/api/v1/alerts/:id/ack', write, async (c) => {
    const b = await jsonBody(c, ackBody);
    const by = b.by ?? c.get('principal').tokenId;
    const a = await acknowledgeAlert(ctx.store, c.req.param('id'), by, ctx.clock());
    return c.json({ alert: alertView(ctx, a) });
  });

  app.post('/api/v1/alerts/:id/silence', write, async (c) => {
    const b = await jsonBody(c, silenceBody);
    const a = await silenceAlert(ctx.store, c.req.param('id'), b.until, ctx.clock());
    return c.json({ alert: alertView(ctx, a) });
  });
}
