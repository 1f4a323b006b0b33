import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { registryFor } from '../metrics/definitions/index.js';
import type { Store } from '../store/store.js';
import { buildApp } from './app.js';
import type { ServerContext } from './context.js';
import { EnrichQueue } from './enrich-queue.js';
import { ReadCache } from './read-cache.js';
import { Scheduler } from './scheduler.js';
import { TokenStore } from './tokens.js';

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
}

export interface RunningServer {
  url: string;
  ctx: ServerContext;
  scheduler: Scheduler;
  /** Stops accepting, stops the schedule, finishes pending enrich; the store stays open (its owner closes it). */
  close(): Promise<void>;
}

export function createContext(o: StartOptions): ServerContext {
  const clock = o.clock ?? (() => new Date());
  const readCache = new ReadCache();
  return {
    store: o.store,
    config: o.config,
    registry: registryFor(o.config),
    clock,
    logger: o.logger,
    tokens: new TokenStore(o.store, clock),
    enrich: new EnrichQueue(o.store, o.config, o.logger, () => readCache.invalidate()),
    readCache,
    webRoot: o.webRoot ?? null,
  };
}

/** The app on a real socket, plus the collector schedule: what `pitwall serve` runs. */
export async function startServer(o: StartOptions): Promise<RunningServer> {
  Scheduler.validate(o.config);
  const ctx = createContext(o);
  const app = buildApp(ctx, {
    anonymousRead: o.anonymousRead ?? o.config.server.anonymous_read,
    bodyLimitBytes: Math.round(o.config.server.body_limit_mb * 1024 * 1024),
  });
  const host = o.host ?? o.config.server.host;
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: o.port ?? o.config.server.port }, () =>
      resolve(s),
    );
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const scheduler = new Scheduler(o.store, o.config, o.logger, ctx.enrich, {
    env: o.env ?? process.env,
    cwd: o.cwd ?? process.cwd(),
  });
  if (o.schedule !== false) scheduler.start();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    ctx,
    scheduler,
    async close() {
      await scheduler.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold close() open until they time out.
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await ctx.enrich.flush();
    },
  };
}
