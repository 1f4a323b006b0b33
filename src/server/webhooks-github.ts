import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import { PitwallError, invalidArgument } from '../errors/errors.js';
import { ingest } from '../ingest/ingest.js';
import { utf8Body } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { fromZod } from './errors.js';
import { claimDelivery, deliveryIdOf } from './webhook-deliveries.js';
import { recordsFromWebhook, webhookPayloads, type WebhookEvent } from './webhook-map.js';
import { z } from 'zod';

/** GitHub signs the raw body with HMAC-SHA256 of the shared secret (X-Hub-Signature-256). */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('hex'), 'utf8');
  const given = Buffer.from(header.slice('sha256='.length), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * POST /api/v1/webhooks/github: runs, jobs, PRs, reviews and deployments as they happen. A
 * delivery id seen before is a replay and writes nothing; a late or replayed payload under a new
 * id is older than what is stored, and the store keeps the newer state (see webhook-map.ts).
 */
export function githubWebhookRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.post('/api/v1/webhooks/github', async (c) => {
    const secret = ctx.config.github.webhook_secret;
    if (!secret)
      throw new PitwallError(
        'unauthorized',
        'webhooks are off: set PITWALL_GITHUB_WEBHOOK_SECRET (or github.webhook_secret) to the secret of the GitHub webhook',
      );
    const body = await utf8Body(c);
    if (!verifySignature(secret, body, c.req.header('x-hub-signature-256')))
      throw new PitwallError(
        'unauthorized',
        'bad or missing X-Hub-Signature-256: the webhook secret does not match',
      );
    const event = c.req.header('x-github-event') ?? '';
    const delivery = deliveryIdOf(c.req.header('x-github-delivery'));
    if (event === 'ping') return c.json({ ok: true, event, records: 0 }, 200);
    if (!Object.hasOwn(webhookPayloads, event))
      return c.json({ ok: true, event, ignored: true, records: 0 }, 202);
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      throw invalidArgument('webhook body is not valid JSON', { field: 'body' });
    }
    let records;
    try {
      records = await recordsFromWebhook(event as WebhookEvent, payload, ctx.config);
    } catch (e) {
      if (e instanceof z.ZodError) throw fromZod(`${event} payload`, e);
      throw e;
    }
    const retention = ctx.config.github.webhook_delivery_retention_days;
    const result = await ctx.store.transaction(async (tx) => {
      if (delivery && !(await claimDelivery(tx, delivery, ctx.clock(), retention))) return null;
      return records.length ? await ingest(tx, records) : { written: {}, total: 0 };
    });
    if (!result) return c.json({ ok: true, event, duplicate: true, records: 0 }, 200);
    await ctx.enrich.ensure();
    return c.json({ ok: true, event, records: result.total, written: result.written }, 200);
  });
}
