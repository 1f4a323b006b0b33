import type { Hono } from 'hono';
import { invalidArgument } from '../errors/errors.js';
import { feedbackSummary } from '../report/feedback.js';
import { spaceReport, type SpaceDrivers } from '../report/space.js';
import { readAccess, type AuthOptions } from './auth.js';
import { queryOf } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { windowQuery } from './params.js';
import { readerOf, readWindow } from './reads.js';

/** The window and an optional team; SPACE has no group-by or bucket (the report fixes both). */
const spaceQuery = windowQuery.pick({ from: true, to: true, team: true }).strict();

/** GET /api/v1/space: the SPACE deep dive and the executive health panel (docs/space.md). */
export function spaceRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  const read = readAccess(ctx, auth);
  app.get('/api/v1/space', read, async (c) => {
    const q = queryOf(c, spaceQuery);
    const store = readerOf(c, ctx);
    const { from, to } = await readWindow(ctx, q);
    const team = q.team ?? null;
    if (team !== null) {
      const known = await store.query(
        `select team from teams where team = $1 union select team from repos where team = $1
         union select team from people where team = $1`,
        [team],
      );
      if (!known.length)
        throw invalidArgument(`unknown team "${team}": see GET /api/v1/teams for the teams`, {
          field: 'team',
        });
    }
    // The drivers and friction categories are the feedback report's, read for the same window.
    const drivers = async (w: { from: Date; to: Date; team: string | null }): Promise<SpaceDrivers> => {
      const f = await feedbackSummary(store, ctx.registry, ctx.config.feedback, w);
      const driver = (d: (typeof f.drivers.satisfaction)[number]) => ({
        theme: d.label,
        people: d.people,
        withheld: d.withheld,
        summary: d.summary,
      });
      return {
        satisfaction: f.drivers.satisfaction.map(driver),
        dissatisfaction: f.drivers.dissatisfaction.map(driver),
        friction: f.friction.byCategory.map((r) => ({
          category: r.category,
          reports: r.reports,
          previous: r.previous,
          withheld: r.withheld,
        })),
      };
    };
    return c.json(await spaceReport(store, ctx.registry, ctx.config.space, { from, to, team, drivers }));
  });
}
