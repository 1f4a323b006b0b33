import type { Command } from 'commander';
import { createDemo } from '../../demo/generate.js';
import { ensureFresh } from '../../enrich/index.js';
import type { Config } from '../../config/schema.js';
import { invalidArgument, PitwallError } from '../../errors/errors.js';
import { ingest, ingestBatches } from '../../ingest/ingest.js';
import { startStatsdListener } from '../../listeners/statsd/listener.js';
import { testenvObserver } from '../../listeners/statsd/testenv-events.js';
import { createLogger } from '../../server/logger.js';
import { startServer } from '../../server/server.js';
import { Shutdown } from '../../server/shutdown.js';
import { writeListenerHealth } from '../../server/listeners.js';
import { findWebRoot } from '../../server/static.js';
import { openStore } from '../../store/open.js';
import type { Store } from '../../store/store.js';
import { config, type CliContext } from '../context.js';

interface ServeFlags {
  host?: string;
  port?: string;
  demo?: boolean;
  anonymousRead?: boolean;
}

/** --demo: an empty store gets the demo organisation, so a first run shows populated dashboards. */
async function loadDemoIfEmpty(store: Store, ctx: CliContext, cfg: Config): Promise<void> {
  const [row] = await store.query<{ n: number }>('select count(*) as n from commits');
  if (Number(row?.n ?? 0) > 0) return;
  ctx.err('serve: the store is empty; loading the demo organisation (50 developers, 90 days)...\n');
  await ingestBatches(store, createDemo({}).batches(10_000));
  await ensureFresh(store, cfg);
}

/** `pitwall serve`: the API, the web dashboards, /metrics and the collector schedule in one process. */
export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description(
      'serve the ingest and query API, the web dashboards, Prometheus /metrics and the collector schedule',
    )
    .option('--host <host>', 'address to bind (default 127.0.0.1: loopback only)')
    .option('--port <port>', 'port (default 4100)')
    .option('--demo', 'load the demo organisation first when the store is empty')
    .option(
      '--anonymous-read',
      'let callers without a token read (dashboards, metrics); writes still need one',
    )
    .action(async (o: ServeFlags) => {
      const cfg = config(ctx, program);
      const port = o.port === undefined ? undefined : Number(o.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535))
        throw invalidArgument(`--port ${JSON.stringify(o.port)} is not a port: use 0-65535`);
      const logger = createLogger();
      const store = await openStore({
        databaseUrl: cfg.store.database_url,
        duckdbPath: cfg.store.duckdb_path,
        duckdbMemoryLimit: cfg.store.duckdb_memory_limit,
        duckdbLoadMemoryLimit: cfg.store.duckdb_load_memory_limit,
      });
      // Closed in order on SIGTERM/SIGINT: what takes requests first, the store last. Listeners
      // added beside the HTTP server register here too.
      const shutdown = new Shutdown(logger);
      const stopping = shutdown.untilSignal();
      let clean: boolean;
      try {
        if (o.demo) await loadDemoIfEmpty(store, ctx, cfg);
        const server = await startServer({
          store,
          config: cfg,
          logger,
          host: o.host,
          port,
          anonymousRead: o.anonymousRead || undefined,
          webRoot: findWebRoot(ctx.cwd),
          env: ctx.env,
          cwd: ctx.cwd,
        });
        ctx.err(
          `Pitwall on ${server.url} (store: ${store.kind} ${store.location}; reads: ${o.anonymousRead || cfg.server.anonymous_read ? 'anonymous allowed' : 'token required'}; ${server.scheduler.jobs().length} scheduled collectors)\n`,
        );
        if (cfg.statsd.enabled) {
          // Writes through the server's store (its read cache learns of them) and asks its enrich
          // queue; closed before the HTTP server, so its last flush is enriched before the store closes.
          const s = cfg.statsd;
          const statsd = await startStatsdListener({
            host: s.host,
            port: s.port,
            socketPath: s.socket_path,
            receiveBufferBytes: s.receive_buffer_bytes,
            flushIntervalSeconds: s.flush_interval_seconds,
            malformedSamples: s.malformed_samples,
            lateHorizonSeconds: s.late_horizon_seconds,
            maxTagSetsPerMetric: s.max_tag_sets_per_metric,
            tagPolicy: s.tag_policy,
            // The testenv mapping turns provisioning samples into the model's spans (docs/testenv.md).
            observers: cfg.testenv.statsd.enabled ? [testenvObserver(cfg.testenv.statsd)] : [],
            flush: async (records) => {
              await ingest(server.ctx.store, records);
              server.ctx.enrich.request();
            },
            // Persisted at each flush so `collectors list` and the dashboard (other readers) see it.
            onHealth: (h) => writeListenerHealth(server.ctx.store, h),
          }).catch(async (e: unknown) => {
            await server.close();
            throw e;
          });
          shutdown.register('statsd listener', () => statsd.close());
          const h = statsd.health();
          ctx.err(
            `serve: StatsD listener on udp ${s.host}:${statsd.port}${s.socket_path ? ` and unix ${s.socket_path}` : ''} (receive buffer ${h.receiveBufferBytes} bytes)\n`,
          );
        }
        shutdown.register('http server', () => server.close());
        const signal = await stopping;
        ctx.err(
          `serve: ${signal}: finishing the requests in flight (up to ${cfg.server.drain_timeout_seconds} s), then stopping\n`,
        );
      } finally {
        shutdown.register('store', () => store.close());
        clean = await shutdown.run();
      }
      // A closer that failed is in the log; the exit code says so too.
      if (!clean) throw new PitwallError('internal', 'serve: stopped, but not cleanly (see the log above)');
      ctx.err('serve: stopped\n');
    });
}
