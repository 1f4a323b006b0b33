import { Hono } from 'hono';
import { requireScope, type AuthOptions } from './auth.js';
import { limitBody } from './body.js';
import { catalogRoutes } from './catalog.js';
import type { AppEnv, ServerContext } from './context.js';
import { deliveryRoutes } from './delivery.js';
import { errorResponse, toEnvelope } from './errors.js';
import { ingestRoutes } from './ingest.js';
import { PrometheusExporter } from './prometheus.js';
import { queryRoutes } from './query.js';
import { reportRoutes } from './reports.js';
import { pointsRoutes } from './points.js';
import { staticRoutes } from './static.js';
import { tokenRoutes } from './tokens-route.js';
import { argocdWebhookRoutes } from './webhooks-argocd.js';
import { githubWebhookRoutes } from './webhooks-github.js';
import { opsgenieWebhookRoutes } from './webhooks-opsgenie.js';
import { pagerdutyWebhookRoutes } from './webhooks-pagerduty.js';
import { healthzRoutes } from './healthz.js';
import { impactRoutes } from './impact.js';
import { experimentRoutes } from './experiments.js';
import { alertRoutes } from './alerts.js';
import { correlationRoutes } from './correlations.js';
import { roiRoutes } from './roi.js';
import { feedbackRoutes } from './feedback.js';
import { listenerRoutes } from './listeners.js';
import { otlpRoutes } from './otlp.js';
import { testenvRoutes } from './testenv.js';
import { surveyRoutes } from './surveys.js';
import { spaceRoutes } from './space.js';
import { defaultAllowedHosts, hostCheck } from './host-check.js';
import { unknownRoute } from './methods.js';

export interface AppOptions extends AuthOptions {
  /** Largest request body accepted, bytes (413 above). */
  bodyLimitBytes: number;
  /** Host header names answered (host-check.ts); default from `server.allowed_hosts` / `server.host`. */
  allowedHosts?: readonly string[];
}

/** The whole HTTP surface (docs/api.md) over one context: no globals, testable with app.request(). */
export function buildApp(ctx: ServerContext, opts: AppOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const auth: AuthOptions = { anonymousRead: opts.anonymousRead };

  app.use('*', ctx.drain.middleware());
  app.use(
    '*',
    hostCheck(
      opts.allowedHosts ?? ctx.config.server.allowed_hosts ?? defaultAllowedHosts(ctx.config.server.host),
    ),
  );
  app.use('*', async (c, next) => {
    const t0 = performance.now();
    await next();
    // Method, path and status only: never headers (tokens) or bodies (records).
    ctx.logger.debug(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - t0),
      },
      'request',
    );
  });
  app.use('/api/*', limitBody(opts.bodyLimitBytes));
  app.onError((e, c) => {
    const { status } = toEnvelope(e);
    if (status >= 500) ctx.logger.error({ err: e, path: c.req.path }, 'request failed');
    return errorResponse(c, e);
  });
  app.notFound(unknownRoute(app));

  healthzRoutes(app, ctx);
  const exporter = new PrometheusExporter(ctx.store, ctx.registry, ctx.clock);
  app.get('/metrics', requireScope(ctx, auth, 'read'), async (c) =>
    c.body(await exporter.render(), 200, { 'content-type': exporter.contentType }),
  );

  ingestRoutes(app, ctx, auth);
  deliveryRoutes(app, ctx, auth);
  githubWebhookRoutes(app, ctx);
  pagerdutyWebhookRoutes(app, ctx);
  opsgenieWebhookRoutes(app, ctx);
  argocdWebhookRoutes(app, ctx);
  tokenRoutes(app, ctx, auth);
  queryRoutes(app, ctx, auth);
  reportRoutes(app, ctx, auth);
  pointsRoutes(app, ctx, auth);
  catalogRoutes(app, ctx, auth);
  otlpRoutes(app, ctx, auth);
  testenvRoutes(app, ctx, auth);
  impactRoutes(app, ctx, auth);
  experimentRoutes(app, ctx, auth);
  alertRoutes(app, ctx, auth);
  correlationRoutes(app, ctx, auth);
  roiRoutes(app, ctx, auth);
  feedbackRoutes(app, ctx, auth);
  spaceRoutes(app, ctx, auth);
  listenerRoutes(app, ctx, auth);
  surveyRoutes(app, ctx, auth);
  staticRoutes(app, ctx.webRoot);
  return app;
}
