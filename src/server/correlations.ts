import type { Hono } from 'hono';
import { z } from 'zod';
import { instant } from '../domain/time.js';
import { CORRELATION_BUCKETS, correlate } from '../report/correlations.js';
import { strongestRelations, type StrongestTable } from '../report/correlations-strongest.js';
import { readAccess, type AuthOptions } from './auth.js';
import { queryOf } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { readWindow, readerOf } from './reads.js';

const DAY = 86_400_000;
const name = z.string().trim().min(1).max(200);
const correlationQuery = z
  .object({
    x: name,
    y: name,
    bucket: z.enum(CORRELATION_BUCKETS as [string, ...string[]]).optional(),
    from: instant.optional(),
    to: instant.optional(),
    min_n: z.coerce.number().optional(),
    alpha: z.coerce.number().optional(),
  })
  .strict();

/**
 * The strongest-relations table, kept in memory per server: computed on the first request and
 * then again in the background once it is `correlations.refresh_minutes` old, while the last
 * table keeps being served. Team x month correlations change when a bucket fills, not per
 * request, so an hourly table is fresh enough, and serving it costs nothing; one computation
 * runs at a time however many dashboards ask (see docs/correlations.md for why not a table).
 */
class StrongestCache {
  private table: StrongestTable | null = null;
  private running: Promise<StrongestTable> | null = null;

  constructor(private readonly ctx: ServerContext) {}

  async get(): Promise<StrongestTable & { stale: boolean }> {
    const ageMs = this.table ? this.ctx.clock().getTime() - this.table.computedAt.getTime() : Infinity;
    const due = ageMs >= this.ctx.config.correlations.refresh_minutes * 60_000;
    if (this.table && !due) return { ...this.table, stale: false };
    const run = this.refresh();
    if (this.table) {
      run.catch((e: unknown) => this.ctx.logger.warn({ err: e }, 'correlations: refresh failed'));
      return { ...this.table, stale: true };
    }
    return { ...(await run), stale: false };
  }

  private refresh(): Promise<StrongestTable> {
    this.running ??= (async () => {
      const span = await this.ctx.dataSpan.get();
      // Not the request's reader: the table is shared, so one caller going away must not cancel it.
      const store = {
        query: <T extends object>(sql: string, params?: readonly unknown[]) =>
          this.ctx.store.query<T>(sql, params as never, {
            timeoutMs: this.ctx.config.server.read_timeout_ms,
          }),
      };
      const table = await strongestRelations(
        store,
        this.ctx.registry,
        this.ctx.config.correlations,
        this.ctx.clock(),
        span,
      );
      this.table = table;
      return table;
    })().finally(() => (this.running = null));
    return this.running;
  }
}

/** GET /api/v1/correlations (one pair, with its scatter points) and /api/v1/correlations/strongest. */
export function correlationRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  const read = readAccess(ctx, auth);
  const strongest = new StrongestCache(ctx);

  app.get('/api/v1/correlations', read, async (c) => {
    const q = queryOf(c, correlationQuery);
    const now = ctx.clock();
    const to = q.to ?? now;
    const w = await readWindow(ctx, {
      from: q.from ?? new Date(to.getTime() - ctx.config.correlations.window_days * DAY),
      to,
    });
    const r = await correlate(readerOf(c, ctx), ctx.registry, {
      x: q.x,
      y: q.y,
      bucket: (q.bucket as never) ?? ctx.config.correlations.bucket,
      from: w.from,
      to: w.to,
      minN: q.min_n ?? ctx.config.correlations.min_n,
      alpha: q.alpha ?? ctx.config.correlations.alpha,
    });
    return c.json(r);
  });

  app.get('/api/v1/correlations/strongest', read, async (c) => c.json(await strongest.get()));
}
