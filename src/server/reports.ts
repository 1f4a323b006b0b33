import type { Context, Hono } from 'hono';
import { buildReport } from '../report/build.js';
import { ciStages } from '../report/ci-stages.js';
import { doraSummary } from '../report/dora.js';
import { computeDxi } from '../report/dxi.js';
import { buildHeadline } from '../report/headline.js';
import { forecastMetric } from '../report/forecast.js';
import { buildInsights } from '../report/insights.js';
import { innerLoop } from '../report/inner-loop.js';
import { queueHeatmap } from '../report/queue-heatmap.js';
import { flakyTests } from '../metrics/tests/flaky.js';
import { invalidArgument } from '../errors/errors.js';
import { readAccess, type AuthOptions } from './auth.js';
import { queryOf } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { filtersOf, windowQuery } from './params.js';
import { readerOf, readWindow } from './reads.js';

/** The dashboards' composite reads: each one a presenter over the registry, shared with the CLI. */
export function reportRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  const read = readAccess(ctx, auth);
  const { registry, config } = ctx;
  /** The window, and the store as this request reads it (see reads.ts). */
  const win = async (c: Context<AppEnv>) => {
    const q = queryOf(c, windowQuery);
    return { q, store: readerOf(c, ctx), ...(await readWindow(ctx, q)) };
  };
  const checkBy = (by: string | undefined) => {
    if (!by) return null;
    const known = [...new Set(registry.list().flatMap((d) => d.groupBy))].sort();
    if (!known.includes(by))
      throw invalidArgument(`unknown group "${by}"; use one of: ${known.join(', ')}`, { field: 'by' });
    return by;
  };

  app.get('/api/v1/report', read, async (c) => {
    const { q, store, from, to } = await win(c);
    return c.json(await buildReport(store, registry, config, { from, to, by: checkBy(q.by) }));
  });
  app.get('/api/v1/dora', read, async (c) => {
    const { q, store, from, to } = await win(c);
    const by = checkBy(q.by);
    if (by && !registry.get('dora.deploys.count').groupBy.includes(by))
      throw invalidArgument(`DORA metrics cannot be grouped by "${by}"; use service, team or repo`, {
        field: 'by',
      });
    return c.json(await doraSummary(store, registry, config, { from, to, by }));
  });
  app.get('/api/v1/dxi', read, async (c) => {
    const { store, from, to } = await win(c);
    return c.json(await computeDxi(store, registry, { from, to }));
  });
  app.get('/api/v1/ci/stages', read, async (c) => {
    const { store, from, to } = await win(c);
    return c.json(await ciStages(store, registry, { from, to }));
  });
  app.get('/api/v1/ci/queue-heatmap', read, async (c) => {
    const { store, from, to } = await win(c);
    return c.json(await queueHeatmap(store, registry, { from, to, where: filtersOf(c.req.query()) }));
  });
  app.get('/api/v1/tests/flaky', read, async (c) => {
    const { store, from, to } = await win(c);
    return c.json({ from, to, tests: await flakyTests(store, { from, to }) });
  });
  app.get('/api/v1/testenv/failures', read, async (c) => {
    const { store, from, to } = await win(c);
    const rows = await registry.compute(store, 'testenv.provision.count', { from, to, by: 'failure' });
    const categories = rows
      .filter((r) => r.group !== null)
      .map((r) => ({ category: r.group!, count: r.value ?? 0 }))
      .sort((a, b) => b.count - a.count);
    return c.json({ from, to, categories });
  });
  app.get('/api/v1/insights', read, async (c) => {
    const { q, store, from, to } = await win(c);
    return c.json(await buildInsights(store, registry, config, { from, to, team: q.team ?? null }));
  });
  /** One metric's next quarter with its prediction interval (the executive trend charts). */
  app.get('/api/v1/insights/forecast', read, async (c) => {
    const { q, store, to } = await win(c);
    const metric = c.req.query('metric');
    if (!metric)
      throw invalidArgument(
        'metric is required: e.g. ?metric=dora.deploys.days_per_week (see /api/v1/registry)',
        {
          field: 'metric',
        },
      );
    registry.get(metric);
    return c.json(await forecastMetric(store, registry, { metric, to, team: q.team ?? null }));
  });
  app.get('/api/v1/inner-loop', read, async (c) => {
    const { store, from, to } = await win(c);
    const { team, repo, ...rest } = filtersOf(c.req.query());
    const extra = Object.keys(rest)[0];
    if (extra)
      throw invalidArgument(`the inner loop is filtered by team and repo only, not "${extra}"`, {
        field: extra,
      });
    return c.json(
      await innerLoop(store, {
        from,
        to,
        team: team ?? null,
        repo: repo ?? null,
        minPeople: config.privacy.min_group_size,
      }),
    );
  });
  app.get('/api/v1/headline', read, async (c) => {
    const { store, from, to } = await win(c);
    return c.json(await buildHeadline(store, registry, { from, to }));
  });
}
