import type { Hono } from 'hono';
import { explainMetric } from '../metrics/registry/registry.js';
import type { Bucket } from '../metrics/registry/types.js';
import { readAccess, type AuthOptions } from './auth.js';
import { queryOf } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { filtersOf, windowQuery } from './params.js';
import { readerOf, readWindow } from './reads.js';

/** The registry and metric values: every number comes from registry.compute, never a handler. */
export function queryRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  const read = readAccess(ctx, auth);

  app.get('/api/v1/registry', read, (c) =>
    c.json({
      metrics: ctx.registry.list().map((d) => ({
        name: d.name,
        version: d.version,
        title: d.title,
        unit: d.unit,
        description: d.description,
        why: d.why,
        action: d.action,
        direction: d.direction,
        thresholds: d.thresholds ?? null,
        groupBy: d.groupBy,
        personal: d.personal ?? false,
      })),
    }),
  );

  app.get('/api/v1/metrics/:name', read, async (c) => {
    const metric = c.req.param('name');
    ctx.registry.get(metric); // unknown metric: 400 naming near matches, before the window is read
    const q = queryOf(c, windowQuery);
    const where = filtersOf(c.req.query());
    const { from, to } = await readWindow(ctx, q);
    const bucket = (q.bucket as Bucket | undefined) ?? null;
    const values = await ctx.registry.compute(readerOf(c, ctx), metric, {
      from,
      to,
      bucket,
      by: q.by ?? null,
      where,
    });
    return c.json({ metric, from, to, bucket, by: q.by ?? null, values });
  });

  app.get('/api/v1/metrics/:name/explain', read, async (c) => {
    const metric = c.req.param('name');
    ctx.registry.get(metric);
    const q = queryOf(c, windowQuery);
    const { from, to } = await readWindow(ctx, q);
    const e = await explainMetric(readerOf(c, ctx), ctx.registry, metric, {
      from,
      to,
      by: q.by ?? null,
      group: q.group ?? null,
      limit: q.limit ?? 100,
    });
    return c.json(e);
  });
}
