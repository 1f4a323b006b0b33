import type { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { RecordKind } from '../domain/records.js';
import { PitwallError, invalidArgument } from '../errors/errors.js';
import { ingest, type IngestResult, type Writer } from '../ingest/ingest.js';
import type { Store } from '../store/store.js';
import type {
  CollectOutcome,
  CollectProgress,
  Collector,
  CollectorBase,
  CollectorLogger,
  FanOutCollector,
  PrepareContext,
  Prepared,
} from './collector.js';
import { runSplit, type SourceRun } from './run-split.js';
import { readSource, writeSource } from './sources.js';

export interface CollectSummary {
  source: string;
  written: Partial<Record<RecordKind, number>>;
  total: number;
  elapsedMs: number;
  facts: Record<string, string | number | boolean>;
  /** A fan-out run's sources, each with its own outcome; absent for a run of one source. */
  sources?: SourceRun[];
}

export interface RunDeps {
  store: Store;
  config: Config;
  logger: CollectorLogger;
  progress?: (p: CollectProgress) => void;
}

/** Options validated and checked against the world; nothing has been written yet. */
export interface PreparedRun {
  sourceId: string;
  run(deps: RunDeps): Promise<CollectSummary>;
}

/**
 * Validates a collector's options and prepares it. Kept apart from `run` so a bad path or
 * option fails before a store is even opened. The one way every host (CLI, scheduler) runs
 * any registry collector.
 */
export async function prepareCollector<S extends z.ZodType, T, U>(
  collector: Collector<S, T> | FanOutCollector<S, T, U>,
  rawOptions: unknown,
  ctx: PrepareContext,
): Promise<PreparedRun> {
  const parsed = collector.configSchema.safeParse(rawOptions);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw invalidArgument(`${collector.id} collector: ${i.path.join('.') || 'options'}: ${i.message}`);
  }
  const prepared = await collector.prepare(parsed.data, ctx);
  if ('split' in collector)
    return {
      sourceId: prepared.sourceId,
      run: (deps) => runSplit(collector, prepared, deps, runPrepared),
    };
  return { sourceId: prepared.sourceId, run: (deps) => runPrepared(collector, prepared, deps) };
}

function add(into: Partial<Record<RecordKind, number>>, r: IngestResult): void {
  for (const [k, n] of Object.entries(r.written) as [RecordKind, number][]) into[k] = (into[k] ?? 0) + n;
}

/** One source's run: batches ingested as they come, its `sources` row kept. */
export async function runPrepared<S extends z.ZodType, T>(
  collector: CollectorBase<S, T>,
  prepared: Prepared<T>,
  deps: RunDeps,
): Promise<CollectSummary> {
  const { store, config, logger } = deps;
  const t0 = performance.now();
  const startedAt = new Date();
  const previous = await readSource(store, prepared.sourceId);
  const written: Partial<Record<RecordKind, number>> = {};
  let total = 0;
  const gen = collector.collect({
    target: prepared.target,
    store,
    config,
    cursor: previous?.cursor ?? null,
    logger,
    progress: deps.progress ?? (() => undefined),
  });
  // One ingest in flight while the collector parses the next batch: the source (git, an API)
  // keeps streaming instead of waiting for the database. Settled results are kept rather than
  // left as rejected promises, so a failing ingest is never an unhandled rejection.
  let inFlight: Promise<{ ok: true } | { ok: false; error: unknown }> | null = null;
  let outcome: CollectOutcome;
  const pump = async (writer: Writer): Promise<CollectOutcome> => {
    try {
      for (;;) {
        const next = await gen.next();
        if (inFlight) {
          const settled = await inFlight;
          inFlight = null;
          if (!settled.ok) throw settled.error;
        }
        if (next.done) return next.value;
        if (next.value.records.length === 0) continue;
        inFlight = ingest(writer, next.value.records).then(
          (r) => {
            add(written, r);
            total += r.total;
            return { ok: true as const };
          },
          (error: unknown) => ({ ok: false as const, error }),
        );
      }
    } catch (e) {
      // Settle the write in flight before a transaction rolls back under it.
      if (inFlight) await inFlight;
      inFlight = null;
      throw e;
    }
  };
  try {
    // An atomic collector's batches are one load: all of the run is written, or none.
    outcome = collector.atomic
      ? await store.load((w) => pump(w), { distinctKeys: collector.distinctKeys })
      : await pump(store);
  } catch (e) {
    if (collector.atomic) total = 0;
    await gen.return(undefined as never).catch(() => undefined);
    if (inFlight) await inFlight;
    const message = e instanceof Error ? e.message : String(e);
    await writeSource(store, {
      id: prepared.sourceId,
      kind: collector.id,
      cursor: previous?.cursor ?? null,
      last_run_at: startedAt,
      last_success_at: previous?.last_success_at ?? null,
      last_error: message,
      last_error_at: new Date(),
      records: (previous?.records ?? 0) + total,
    }).catch((writeError: unknown) => logger.warn({ err: writeError }, 'could not record the failure'));
    if (e instanceof PitwallError) throw e;
    throw new PitwallError('collector_failed', `${prepared.sourceId}: ${message}`, {
      source: prepared.sourceId,
    });
  }
  await writeSource(store, {
    id: prepared.sourceId,
    kind: collector.id,
    cursor: outcome.cursor,
    last_run_at: startedAt,
    last_success_at: new Date(),
    last_error: null,
    last_error_at: previous?.last_error_at ?? null,
    records: (previous?.records ?? 0) + total,
  });
  return {
    source: prepared.sourceId,
    written,
    total,
    elapsedMs: performance.now() - t0,
    facts: outcome.facts ?? {},
  };
}
