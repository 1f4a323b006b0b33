import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { registryFor } from '../metrics/definitions/index.js';
import type { Store } from '../store/store.js';
import { buildChannels } from '../alerts/channels/index.js';
import { AlertSchedule } from './alert-schedule.js';
import { buildApp } from './app.js';
import { answerClientErrors } from './client-errors.js';
import type { ServerContext } from './context.js';
import { Drain } from './drain.js';
import { EnrichQueue } from './enrich-queue.js';
import { WriteCoalescer } from './write-coalescer.js';
import { ExportSchedule } from './export-schedule.js';
import { defaultAllowedHosts } from './host-check.js';
import { DataSpan } from './data-span.js';
import { ReadCache } from './read-cache.js';
import { Scheduler } from './scheduler.js';
import { TokenStore } from './tokens.js';
import { watchWrites } from './watched-store.js';

export interface StartOptions {
  store: Store;
  config: Config;
  logger: Logger;
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  anonymousRead?: boolean;
  webRoot?: string | null;
  clock?: () => Date;
  /** Run the `collectors:` schedule (default true). */
  schedule?: boolean;
  /**
   * Where scheduled collectors take their secrets (GITHUB_TOKEN, ...) and resolve relative
   * paths; default: this process's environment and working directory.
   */
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  /** The first retry's backoff of webhook channels (default 1 s; tests shorten it). */
  notifyBackoffMs?: number;
}

export interface RunningServer {
  url: string;
  ctx: ServerContext;
  scheduler: Scheduler;
  /** Alert evaluation and digests on their schedules (`notify.evaluate`, `digests:`). */
  alerts: AlertSchedule;
  exports: ExportSchedule;
  /**
   * Stops accepting connections, lets the requests in flight finish (up to
   * `server.drain_timeout_seconds`, then cuts them) while later ones get 503, stops the schedule
   * and finishes pending enrich. The store stays open: its owner closes it.
   */
  close(): Promise<void>;
}

export function createContext(o: StartOptions): ServerContext {
  const clock = o.clock ?? (() => new Date());
  const readCache = new ReadCache();
  const dataSpan = new DataSpan(o.store, o.config.server.read_timeout_ms);
  // Every write of the server goes through here: it makes stale only what read its tables.
  const store = watchWrites(o.store, (tables) => {
    readCache.invalidate(tables);
    dataSpan.invalidate(tables);
  });
  const enrich = new EnrichQueue(store, o.config, o.logger);
  return {
    store,
    config: o.config,
    registry: registryFor(o.config),
    clock,
    logger: o.logger,
    tokens: new TokenStore(o.store, clock),
    enrich,
    writes: new WriteCoalescer(store, enrich),
    readCache,
    dataSpan,
    webRoot: o.webRoot ?? null,
    drain: new Drain(),
  };
}

/** The app on a real socket, plus the collector schedule: what `pitwall serve` runs. */
export async function startServer(o: StartOptions): Promise<RunningServer> {
  Scheduler.validate(o.config);
  // Channel secrets come from the environment: an unset variable stops the start, naming it.
  const channels = buildChannels(o.config.notify, {
    env: o.env ?? process.env,
    minBackoffMs: o.notifyBackoffMs,
  });
  const ctx = createContext(o);
  const app = buildApp(ctx, {
    anonymousRead: o.anonymousRead ?? o.config.server.anonymous_read,
    bodyLimitBytes: Math.round(o.config.server.body_limit_mb * 1024 * 1024),
    // The address actually bound (--host) is one of the server's names.
    allowedHosts: o.config.server.allowed_hosts ?? defaultAllowedHosts(o.host ?? o.config.server.host),
  });
  const host = o.host ?? o.config.server.host;
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: o.port ?? o.config.server.port }, () =>
      resolve(s),
    );
    s.once('error', reject);
    answerClientErrors(s);
  });
  const { port } = server.address() as AddressInfo;
  const scheduler = new Scheduler(ctx.store, o.config, o.logger, ctx.enrich, {
    env: o.env ?? process.env,
    cwd: o.cwd ?? process.cwd(),
  });
  const alerts = new AlertSchedule(ctx, channels);
  const exports = new ExportSchedule(ctx, { env: o.env ?? process.env, cwd: o.cwd ?? process.cwd() });
  if (o.schedule !== false) {
    scheduler.start();
    alerts.start();
    exports.start();
  }
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    ctx,
    scheduler,
    alerts,
    exports,
    close: once(async () => {
      await drain(server, ctx, o.config.server.drain_timeout_seconds * 1000);
      await scheduler.stop();
      await alerts.stop();
      await exports.stop();
      await ctx.enrich.flush();
    }),
  };
}

/** A second close() (a test's afterAll after a signal) waits for the first instead of closing twice. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | null = null;
  return () => (p ??= fn());
}

/**
 * Stops listening (Node also closes the idle keep-alive connections), answers what still
 * arrives on open connections with 503 and closes each connection after its answer (drain.ts),
 * and waits for the last to end. Past the deadline, what is left is cut, and logged.
 */
async function drain(server: ServerType, ctx: ServerContext, timeoutMs: number): Promise<void> {
  ctx.drain.begin();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  const outcome = await Promise.race([closed, deadline]);
  clearTimeout(timer);
  if (outcome === 'late') {
    ctx.logger.warn(
      { inFlight: ctx.drain.inFlight, drainTimeoutMs: timeoutMs },
      'shutdown: requests still in flight at the drain deadline were cut (server.drain_timeout_seconds)',
    );
    if ('closeAllConnections' in server) server.closeAllConnections();
    await closed;
  }
}
