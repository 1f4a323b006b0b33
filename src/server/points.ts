import type { Hono } from 'hono';
import { z } from 'zod';
import { POINT_BUCKETS, parseStats, parseTagFilters, pointsStats } from '../report/points.js';
import { readAccess, type AuthOptions } from './auth.js';
import { queryOf } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { windowOf, windowQuery } from './params.js';
import { readerOf } from './reads.js';

/** The parameters of /api/v1/points; any other is refused, naming it. */
const pointsQuery = z
  .object({
    name: z.string().min(1, 'give the series name, e.g. name=testenv.provision.total_duration'),
    stat: z.string().optional(),
    from: windowQuery.shape.from,
    to: windowQuery.shape.to,
    by: z.string().min(1).max(200).optional(),
    bucket: z.enum(POINT_BUCKETS).optional(),
    tag: z.string().optional(),
  })
  .strict();

/**
 * `GET /api/v1/points?name=&stat=&from=&to=&by=&bucket=&tag=k:v`: a StatsD series' count, sum,
 * min, max, avg and p50/p90/p99 (merged sketches) per bucket or over the whole window.
 */
export function pointsRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  app.get('/api/v1/points', readAccess(ctx, auth), async (c) => {
    const q = queryOf(c, pointsQuery);
    const stats = parseStats(q.stat);
    const tags = parseTagFilters(c.req.queries('tag') ?? []);
    // Not cut to the records' span: days pruned by retention live on in daily_rollups only.
    const { from, to } = windowOf({ from: q.from, to: q.to }, ctx.clock(), {
      span: null,
      maxDays: ctx.config.server.max_window_days,
    });
    return c.json(
      await pointsStats(readerOf(c, ctx), {
        name: q.name,
        from,
        to,
        by: q.by ?? null,
        bucket: q.bucket,
        tags,
        stats,
      }),
    );
  });
}
