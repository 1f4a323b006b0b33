import { createHash, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import { z } from 'zod';
import { mapOgIncident, ogIncident, ogService } from '../collectors/opsgenie/map.js';
import { PitwallError, invalidArgument } from '../errors/errors.js';
import { ingest } from '../ingest/ingest.js';
import { utf8Body } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { fromZod } from './errors.js';
import { claimDelivery } from './webhook-deliveries.js';

const same = (a: string, b: string) => {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Opsgenie's outgoing webhooks are not signed: the integration can add custom headers, or carry
 * basic-auth credentials in its URL. Either proves the sender knows the shared token:
 * `X-Pitwall-Token: <token>`, or basic auth with the token as the password (any user name).
 */
export function opsgenieTokenMatches(
  token: string,
  header: string | undefined,
  authorization: string | undefined,
): boolean {
  if (header && same(header.trim(), token)) return true;
  if (!authorization?.startsWith('Basic ')) return false;
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && same(decoded.slice(colon + 1), token);
}

/** Epoch milliseconds (alert-style payloads) or ISO strings, as ISO strings. */
const when = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === 'number' ? new Date(v).toISOString() : v));

const payload = z.object({
  action: z.string().min(1),
  incident: z
    .looseObject({
      createdAt: when,
      updatedAt: when.nullish(),
      impactStartDate: when.nullish(),
      impactEndDate: when.nullish(),
    })
    .optional(),
});

/**
 * POST /api/v1/webhooks/opsgenie: incident actions from an Opsgenie webhook integration. The
 * payload's incident is mapped as the collector maps it (no timeline: an Acknowledge action's
 * own time stands for the acknowledgement). Alert-only payloads are acknowledged and ignored:
 * incidents are what DORA counts. Opsgenie sends no delivery id, so the body's hash dedupes a
 * retried delivery.
 */
export function opsgenieWebhookRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.post('/api/v1/webhooks/opsgenie', async (c) => {
    const token = ctx.config.opsgenie.webhook_token;
    if (!token)
      throw new PitwallError(
        'unauthorized',
        'Opsgenie webhooks are off: set PITWALL_OPSGENIE_WEBHOOK_TOKEN (or opsgenie.webhook_token) and send it from the integration as the X-Pitwall-Token header',
      );
    if (!opsgenieTokenMatches(token, c.req.header('x-pitwall-token'), c.req.header('authorization')))
      throw new PitwallError(
        'unauthorized',
        'bad or missing X-Pitwall-Token (or basic-auth password): it does not match the webhook token',
      );
    const body = await utf8Body(c);
    let raw: unknown;
    try {
      raw = JSON.parse(body);
    } catch {
      throw invalidArgument('webhook body is not valid JSON', { field: 'body' });
    }
    const parsed = payload.safeParse(raw);
    if (!parsed.success) throw fromZod('Opsgenie webhook', parsed.error);
    const { action, incident } = parsed.data;
    if (!incident) return c.json({ ok: true, action, ignored: true, records: 0 }, 202);
    const inc = ogIncident.safeParse(incident);
    if (!inc.success) throw fromZod('Opsgenie webhook incident', inc.error);
    const i = inc.data;
    const at = i.updatedAt ?? i.createdAt;
    const timeline = /acknowledg/i.test(action) ? [{ type: 'IncidentAcknowledged', eventTime: at }] : [];
    const empty = new Map<string, string>();
    const service = ogService(i, { services: empty, teams: empty }, ctx.config.opsgenie);
    const { acknowledged_at, ...rest } = mapOgIncident(i, timeline, service);
    const record = acknowledged_at ? { ...rest, acknowledged_at } : rest;
    const delivery = `opsgenie:${createHash('sha256').update(body).digest('hex').slice(0, 40)}`;
    const result = await ctx.store.transaction(async (tx) => {
      if (
        !(await claimDelivery(tx, delivery, ctx.clock(), ctx.config.github.webhook_delivery_retention_days))
      )
        return null;
      return await ingest(tx, [record]);
    });
    if (!result) return c.json({ ok: true, action, duplicate: true, records: 0 }, 200);
    await ctx.enrich.ensure();
    return c.json({ ok: true, action, records: result.total, written: result.written }, 200);
  });
}
