import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import { z } from 'zod';
import { mapPdIncident, pdIncident } from '../collectors/pagerduty/map.js';
import type { RecordInput } from '../domain/records.js';
import { PitwallError, invalidArgument } from '../errors/errors.js';
import { ingest } from '../ingest/ingest.js';
import type { Queryable } from '../store/store.js';
import { utf8Body } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { fromZod } from './errors.js';
import { claimDelivery } from './webhook-deliveries.js';

/**
 * PagerDuty Webhooks v3 sign the raw body with HMAC-SHA256 of the subscription's secret:
 * `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>...]` (several while a secret is being rotated).
 * One matching v1 signature is enough.
 */
export function verifyPagerDutySignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('hex'), 'utf8');
  return header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1='))
    .some((s) => {
      const given = Buffer.from(s.slice(3), 'utf8');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

const envelope = z.object({
  event: z.object({
    id: z.string().min(1).max(200),
    event_type: z.string().min(1),
    resource_type: z.string().nullish(),
    occurred_at: z.string().min(1),
    data: z.unknown(),
  }),
});

/** The v3 event's incident: `number` where the REST API says `incident_number`. */
const webhookIncident = pdIncident.extend({ number: z.number().int().nullish() });

/**
 * The incident an `incident.*` event describes, as the collector would map it. The event has no
 * timeline: its own time is when it was acknowledged or resolved. An acknowledgement already
 * stored (an earlier one) is kept, and an event older than the stored row changes nothing
 * (source_updated_at orders them).
 */
async function recordFor(
  tx: Queryable,
  e: z.output<typeof envelope>['event'],
  services: Readonly<Record<string, string>>,
): Promise<RecordInput<'incident'>> {
  const parsed = webhookIncident.safeParse(e.data);
  if (!parsed.success) throw fromZod(`${e.event_type} event.data`, parsed.error);
  const log = [];
  if (e.event_type === 'incident.acknowledged')
    log.push({ type: 'acknowledge_log_entry', created_at: e.occurred_at });
  if (e.event_type === 'incident.resolved')
    log.push({ type: 'resolve_log_entry', created_at: e.occurred_at });
  const i = { ...parsed.data, last_status_change_at: e.occurred_at };
  const { acknowledged_at, ...rest } = mapPdIncident(i, log, services);
  const [stored] = await tx.query<{ acknowledged_at: Date | null }>(
    'select acknowledged_at from incidents where id = $1',
    [rest.id],
  );
  // Only an acknowledgement event says when it was acknowledged; others leave the column alone.
  const ack = acknowledged_at && !stored?.acknowledged_at ? { acknowledged_at } : {};
  return { ...rest, ...ack, source_updated_at: e.occurred_at };
}

/**
 * POST /api/v1/webhooks/pagerduty: incidents as they are triggered, acknowledged, resolved or
 * changed. A bad or missing signature is 401 and reads nothing; an event id seen before is a
 * redelivery and writes nothing; non-incident events are acknowledged and ignored.
 */
export function pagerdutyWebhookRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.post('/api/v1/webhooks/pagerduty', async (c) => {
    const secret = ctx.config.pagerduty.webhook_secret;
    if (!secret)
      throw new PitwallError(
        'unauthorized',
        'PagerDuty webhooks are off: set PITWALL_PAGERDUTY_WEBHOOK_SECRET (or pagerduty.webhook_secret) to the signing secret of the webhook subscription',
      );
    const body = await utf8Body(c);
    if (!verifyPagerDutySignature(secret, body, c.req.header('x-pagerduty-signature')))
      throw new PitwallError(
        'unauthorized',
        'bad or missing X-PagerDuty-Signature: no v1 signature matches the webhook secret',
      );
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      throw invalidArgument('webhook body is not valid JSON', { field: 'body' });
    }
    const parsed = envelope.safeParse(payload);
    if (!parsed.success) throw fromZod('PagerDuty webhook', parsed.error);
    const e = parsed.data.event;
    if (e.event_type === 'pagey.ping') return c.json({ ok: true, event: e.event_type, records: 0 }, 200);
    if (!e.event_type.startsWith('incident.') || (e.resource_type && e.resource_type !== 'incident'))
      return c.json({ ok: true, event: e.event_type, ignored: true, records: 0 }, 202);
    const result = await ctx.store.transaction(async (tx) => {
      const record = await recordFor(tx, e, ctx.config.pagerduty.services);
      if (
        !(await claimDelivery(
          tx,
          `pagerduty:${e.id}`,
          ctx.clock(),
          ctx.config.github.webhook_delivery_retention_days,
        ))
      )
        return null;
      return await ingest(tx, [record]);
    });
    if (!result) return c.json({ ok: true, event: e.event_type, duplicate: true, records: 0 }, 200);
    await ctx.enrich.ensure();
    return c.json({ ok: true, event: e.event_type, records: result.total, written: result.written }, 200);
  });
}
