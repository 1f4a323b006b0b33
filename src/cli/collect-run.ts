import pino from 'pino';
import type { AnyCollector, CollectProgress } from '../collectors/collector.js';
import { failedSources } from '../collectors/run-split.js';
import { prepareCollector, type CollectSummary, type PreparedRun } from '../collectors/run.js';
import type { Config } from '../config/schema.js';
import { PitwallError } from '../errors/errors.js';
import { withWritableStore, type CliContext } from './context.js';

/** Structured logs on stderr, quiet unless PITWALL_LOG_LEVEL (or --verbose) asks. */
export function collectLogger(ctx: CliContext, source: string, level?: string): pino.Logger {
  return pino(
    { level: level ?? ctx.env.PITWALL_LOG_LEVEL ?? 'warn', base: { source } },
    { write: (line: string) => ctx.err(line) },
  );
}

/**
 * Prepares a registry collector with the CLI's runtime (its environment for secrets, its working
 * directory, its logger) before any store is opened: bad options or paths write nothing.
 */
export function prepareForCli(
  collector: AnyCollector,
  options: unknown,
  cfg: Config,
  ctx: CliContext,
  logger: pino.Logger,
): Promise<PreparedRun> {
  return prepareCollector(collector, options, { config: cfg, env: ctx.env, cwd: ctx.cwd, logger });
}

/** Runs a prepared collector into the configured store; derived tables are fresh when it returns. */
export function runIntoStore(
  job: PreparedRun,
  cfg: Config,
  logger: pino.Logger,
  progress?: (p: CollectProgress) => void,
): Promise<CollectSummary> {
  return withWritableStore(cfg, (store) =>
    job.run({ store, config: cfg, logger: logger.child({ source: job.sourceId }), progress }),
  );
}

/** What was collected is kept; exit 1 still tells a scheduler that some source needs a look. */
export function failIfAnySource(s: CollectSummary): void {
  const failed = failedSources(s);
  if (failed.length)
    throw new PitwallError(
      'collector_failed',
      `${failed.length} of ${s.sources!.length} sources failed (recorded on their sources; see pitwall collectors list): ${failed.map((r) => r.source).join(', ')}`,
    );
}
