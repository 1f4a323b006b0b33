import type { Hono } from 'hono';
import { invalidArgument } from '../errors/errors.js';
import { testenvReport } from '../report/testenv.js';
import { readAccess, type AuthOptions } from './auth.js';
import { queryOf } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { filtersOf, windowQuery } from './params.js';
import { readerOf, readWindow } from './reads.js';

/**
 * GET /api/v1/testenv: the test-environment analytics report (src/report/testenv.ts) over the
 * window, for the whole organisation or one repository or team; the slowest provisions link to
 * their logs through `testenv.log_url`.
 */
export function testenvRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  const read = readAccess(ctx, auth);
  app.get('/api/v1/testenv', read, async (c) => {
    const q = queryOf(c, windowQuery);
    const { from, to } = await readWindow(ctx, q);
    const { team, repo, ...rest } = filtersOf(c.req.query());
    const extra = Object.keys(rest)[0];
    if (extra)
      throw invalidArgument(`test-environment analytics are filtered by team and repo only, not "${extra}"`, {
        field: extra,
      });
    return c.json(
      await testenvReport(readerOf(c, ctx), ctx.registry, {
        from,
        to,
        team: team ?? null,
        repo: repo ?? null,
        logUrl: ctx.config.testenv?.log_url ?? null,
        top: q.limit ?? 10,
      }),
    );
  });
}
