import type { Hono } from 'hono';
import { PitwallError } from '../errors/errors.js';
import type { AppEnv, ServerContext } from './context.js';

/**
 * Long enough for a busy PostgreSQL to answer `select 1`, short enough that a Kubernetes probe
 * (default timeoutSeconds 1-5) or Docker's HEALTHCHECK gets an answer rather than a hung socket.
 */
export const HEALTHZ_TIMEOUT_MS = 2000;

export interface HealthzOptions {
  timeoutMs?: number;
}

/**
 * GET /healthz: 200 {ok: true, store} when the store answers a ping within the timeout, 503
 * {ok: false, store, reason, error: {code: 'store_unavailable', message}} otherwise. No auth (probes carry no token) and nothing secret: the
 * engine's name and, on failure, why (a mapped store error names no URL or password).
 */
export function healthzRoutes(app: Hono<AppEnv>, ctx: ServerContext, opts: HealthzOptions = {}): void {
  const timeoutMs = opts.timeoutMs ?? HEALTHZ_TIMEOUT_MS;
  app.get('/healthz', async (c) => {
    // ping() uses a connection of its own: health never queues behind the reads or writes it reports on.
    const failure = await pingWithin(ctx, timeoutMs);
    if (failure === null) return c.json({ ok: true, store: ctx.store.kind });
    // The API's error envelope too, so a client reads every 503 the same way.
    const error = { code: 'store_unavailable', message: failure };
    return c.json({ ok: false, store: ctx.store.kind, reason: failure, error }, 503);
  });
}

/** Null when the store answered in time, else a one-line reason fit for a probe's log. */
async function pingWithin(ctx: ServerContext, timeoutMs: number): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`the ${ctx.store.kind} store did not answer within ${timeoutMs} ms`),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      ctx.store.ping().then(
        () => null,
        (e: unknown) => reasonOf(ctx, e),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function reasonOf(ctx: ServerContext, e: unknown): string {
  // Coded store errors are written for users; anything else is reduced to its first line.
  const message = e instanceof PitwallError ? e.message : e instanceof Error ? e.message : String(e);
  ctx.logger.warn({ err: e }, 'health check: store ping failed');
  return `the ${ctx.store.kind} store did not answer: ${redact(message.split('\n')[0]!)}`;
}

/** A driver message could quote a connection string: keep its password out of the answer. */
function redact(s: string): string {
  return s.replace(/(\w+:\/\/[^:/@\s]*:)[^@\s]*@/g, '$1***@');
}
