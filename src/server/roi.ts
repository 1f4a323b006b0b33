import type { Hono } from 'hono';
import { z } from 'zod';
import { invalidArgument } from '../errors/errors.js';
import { parseRange } from '../report/impact/index.js';
import { roiReport } from '../report/roi.js';
import { readAccess, type AuthOptions } from './auth.js';
import { queryOf } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { readerOf } from './reads.js';

const roiQuery = z
  .object({
    annotation: z.string().trim().min(1).max(500).optional(),
    days: z.coerce.number().optional(),
    baseline: z.string().optional(),
    current: z.string().optional(),
  })
  .strict();

/** GET /api/v1/roi: the Platform ROI from measured savings and costs: (docs/roi.md). */
export function roiRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  app.get('/api/v1/roi', readAccess(ctx, auth), async (c) => {
    const q = queryOf(c, roiQuery);
    const max = ctx.config.server.max_window_days;
    if (q.days !== undefined && q.days > max)
      throw invalidArgument(`days: ${q.days} is more than server.max_window_days (${max})`, {
        field: 'days',
      });
    const r = await roiReport(readerOf(c, ctx), ctx.registry, ctx.config.costs, {
      now: ctx.clock(),
      annotation: q.annotation ?? null,
      days: q.days,
      baseline: q.baseline === undefined ? null : parseRange('baseline', q.baseline),
      current: q.current === undefined ? null : parseRange('current', q.current),
    });
    return c.json(r);
  });
}
