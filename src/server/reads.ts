import { setMaxListeners } from 'node:events';
import type { Context } from 'hono';
import { PitwallError } from '../errors/errors.js';
import type { Queryable, SqlValue } from '../store/store.js';
import type { AppEnv, ServerContext } from './context.js';
import { windowOf, type WindowQuery } from './params.js';

/**
 * The store as one request's reads see it: each statement is cancelled when the caller goes
 * away or when it runs past server.read_timeout_ms, and is noted by the read cache (its
 * tables decide when the cached answer goes stale). Every read route queries through this.
 */
export function readerOf(c: Context<AppEnv>, ctx: ServerContext): Queryable {
  const timeoutMs = ctx.config.server.read_timeout_ms;
  // A report runs every metric of two windows side by side, each statement listening to the one
  // request signal: any number of listeners is expected there, not a leak (each is removed when
  // its statement ends), so the request's signal has no listener limit.
  const signal = c.req.raw.signal;
  setMaxListeners(0, signal);
  const options = { signal, timeoutMs };
  return {
    query<T extends object>(sql: string, params?: readonly SqlValue[]) {
      ctx.readCache.track(c.req.raw, sql);
      return ctx.store.query<T>(sql, params, options).catch((e: unknown) => timedOut(ctx, e));
    },
  };
}

/** The request's window, cut to the data's span and checked against server.max_window_days. */
export async function readWindow(ctx: ServerContext, q: WindowQuery): Promise<{ from: Date; to: Date }> {
  const now = ctx.clock();
  // Bad from/to fail before the span is looked up.
  windowOf(q, now);
  const span = await ctx.dataSpan.get().catch((e: unknown) => timedOut(ctx, e));
  return windowOf(q, now, { span, maxDays: ctx.config.server.max_window_days });
}

/** A timeout, told in the caller's terms: which setting it hit and what to do. */
function timedOut(ctx: ServerContext, e: unknown): never {
  const timeoutMs = ctx.config.server.read_timeout_ms;
  if (e instanceof PitwallError && e.code === 'query_timeout')
    throw new PitwallError(
      'query_timeout',
      `a query of this read ran longer than server.read_timeout_ms (${timeoutMs} ms) and was cancelled: ask for a narrower window (from, to) or raise server.read_timeout_ms`,
      { setting: 'server.read_timeout_ms', timeout_ms: timeoutMs },
    );
  throw e;
}
