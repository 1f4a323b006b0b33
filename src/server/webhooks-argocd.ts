import { createHash } from 'node:crypto';
import type { Hono } from 'hono';
import { z } from 'zod';
import {
  historyEntry,
  mapApp,
  operationState,
  productionEnvironment,
  type ArgoApp,
} from '../collectors/argocd/map.js';
import { PitwallError, invalidArgument } from '../errors/errors.js';
import { ingest } from '../ingest/ingest.js';
import { utf8Body } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { fromZod } from './errors.js';
import { claimDelivery } from './webhook-deliveries.js';
import { opsgenieTokenMatches } from './webhooks-opsgenie.js';

const text = z.string().nullish();

/**
 * The body the template of docs/argocd.md renders: the app's name, source, destination, sync and
 * health status, its last operation and its sync history. The history and operation are checked
 * with the collector's own schemas. Every value goes through `toJson`, so a field Argo CD leaves
 * out arrives as null.
 */
const payload = z.object({
  app: z.string().min(1).max(253),
  repoURL: text,
  destination: z.object({ server: text, name: text, namespace: text }),
  syncStatus: text,
  health: text,
  revision: text,
  operationState: operationState
    .partial({ phase: true, startedAt: true })
    .extend({ phase: text, startedAt: text })
    .nullish(),
  // Argo CD keeps revisionHistoryLimit (10 by default) entries; far more is not an Application.
  history: z.array(historyEntry).max(1000).nullish(),
});
type Payload = z.output<typeof payload>;

/** The payload as the slice of an Application the collector reads, so it maps it the same way. */
function asApp(p: Payload): ArgoApp {
  const op = p.operationState;
  return {
    metadata: { name: p.app },
    spec: { source: { repoURL: p.repoURL }, destination: p.destination },
    status: {
      sync: { status: p.syncStatus, revision: p.revision },
      health: { status: p.health },
      history: p.history ?? [],
      // An app that never ran an operation renders phase and startedAt as null: no operation.
      operationState: op?.phase && op.startedAt ? { ...op, phase: op.phase, startedAt: op.startedAt } : null,
    },
  };
}

/**
 * POST /api/v1/webhooks/argocd: Argo CD Notifications (on-sync-succeeded, on-sync-failed,
 * on-health-degraded) with the template of docs/argocd.md. The app is mapped as `pitwall collect
 * argocd` maps it (same ids), so a sync reported here and collected later is one deployment.
 * Notifications sends no delivery id: the body's hash dedupes a retried delivery.
 */
export function argocdWebhookRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.post('/api/v1/webhooks/argocd', async (c) => {
    const token = ctx.config.argocd.webhook_token;
    if (!token)
      throw new PitwallError(
        'unauthorized',
        'Argo CD webhooks are off: set PITWALL_ARGOCD_WEBHOOK_TOKEN (or argocd.webhook_token) and send it from the Notifications webhook service as the X-Pitwall-Token header',
      );
    if (!opsgenieTokenMatches(token, c.req.header('x-pitwall-token'), c.req.header('authorization')))
      throw new PitwallError(
        'unauthorized',
        'bad or missing X-Pitwall-Token (or basic-auth password): it does not match argocd.webhook_token',
      );
    const body = await utf8Body(c);
    let raw: unknown;
    try {
      raw = JSON.parse(body);
    } catch {
      throw invalidArgument(
        'webhook body is not valid JSON: render every value with toJson, as the template in docs/argocd.md does',
        { field: 'body' },
      );
    }
    const parsed = payload.safeParse(raw);
    if (!parsed.success) throw fromZod('Argo CD webhook', parsed.error);
    const argo = asApp(parsed.data);
    const production = new RegExp(ctx.config.github.deploy_environment_pattern, 'i');
    const environment = productionEnvironment(argo, production);
    const name = parsed.data.app;
    if (!environment) return c.json({ ok: true, app: name, ignored: true, records: 0 }, 202);
    const { records, skipped } = mapApp(argo, environment, { seen: {}, failed: [] });
    const delivery = `argocd:${createHash('sha256').update(body).digest('hex').slice(0, 40)}`;
    const result = await ctx.store.transaction(async (tx) => {
      if (
        !(await claimDelivery(tx, delivery, ctx.clock(), ctx.config.github.webhook_delivery_retention_days))
      )
        return null;
      return await ingest(tx, records);
    });
    if (!result) return c.json({ ok: true, app: name, duplicate: true, records: 0 }, 200);
    await ctx.enrich.ensure();
    return c.json(
      { ok: true, app: name, environment, records: result.total, written: result.written, skipped },
      200,
    );
  });
}
