import type { z } from 'zod';
import type { RecordKind } from '../domain/records.js';
import { PitwallError } from '../errors/errors.js';
import type { CollectorBase, FanOutCollector, Prepared, Split } from './collector.js';
import type { CollectSummary, RunDeps } from './run.js';
import { readSource, writeSource } from './sources.js';

/** One source of a fan-out run, and how it went. */
export interface SourceRun {
  source: string;
  ok: boolean;
  error: string | null;
  written: Partial<Record<RecordKind, number>>;
  total: number;
  facts: Record<string, string | number | boolean>;
}

/** How one source is run (run.ts's runPrepared, handed in so the two files do not import each other). */
export type RunOne = <S extends z.ZodType, U>(
  collector: CollectorBase<S, U>,
  prepared: Prepared<U>,
  deps: RunDeps,
) => Promise<CollectSummary>;

/** The sources of a fan-out run that failed; a host reports them (exit 1, a failed job). */
export const failedSources = (s: CollectSummary): SourceRun[] => (s.sources ?? []).filter((r) => !r.ok);

/**
 * Every source as its own run, `concurrency` at a time. A failing source is recorded on its own
 * `sources` row (by the run) and logged; the others proceed.
 */
export async function runEach<S extends z.ZodType, U>(
  collector: CollectorBase<S, U>,
  sources: readonly Prepared<U>[],
  concurrency: number,
  deps: RunDeps,
  runOne: RunOne,
): Promise<SourceRun[]> {
  const queue = [...sources];
  const runs: SourceRun[] = [];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const source = next.sourceId;
      try {
        const s = await runOne(collector, next, deps);
        runs.push({ source, ok: true, error: null, written: s.written, total: s.total, facts: s.facts });
        deps.logger.info({ source, records: s.total }, 'source done');
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        deps.logger.warn({ source, error }, 'source failed; skipped (recorded on its source)');
        runs.push({ source, ok: false, error, written: {}, total: 0, facts: {} });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, worker));
  return runs.sort((a, b) => a.source.localeCompare(b.source));
}

/**
 * A fan-out run: lists its sources (`split`), keeps the run's own `sources` row when the split
 * returns a cursor (or when listing fails, so the failure shows in `collectors list`), then runs
 * every source. Returns rather than throws when some sources failed: the host prints what was
 * collected and decides (see failedSources).
 */
export async function runSplit<S extends z.ZodType, T, U>(
  collector: FanOutCollector<S, T, U>,
  prepared: Prepared<T>,
  deps: RunDeps,
  runOne: RunOne,
): Promise<CollectSummary> {
  const { store, logger } = deps;
  const t0 = performance.now();
  const startedAt = new Date();
  const previous = await readSource(store, prepared.sourceId);
  const row = { id: prepared.sourceId, kind: collector.id, last_run_at: startedAt };
  let split: Split<U>;
  try {
    split = await collector.split(prepared.target, { cursor: previous?.cursor ?? null, logger });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await writeSource(store, {
      ...row,
      cursor: previous?.cursor ?? null,
      last_success_at: previous?.last_success_at ?? null,
      last_error: message,
      last_error_at: new Date(),
      records: previous?.records ?? 0,
    }).catch((writeError: unknown) => logger.warn({ err: writeError }, 'could not record the failure'));
    if (e instanceof PitwallError) throw e;
    throw new PitwallError('collector_failed', `${prepared.sourceId}: ${message}`, {
      source: prepared.sourceId,
    });
  }
  if (split.cursor !== undefined)
    await writeSource(store, {
      ...row,
      cursor: split.cursor,
      last_success_at: new Date(),
      last_error: null,
      last_error_at: previous?.last_error_at ?? null,
      records: previous?.records ?? 0,
    });
  const sources = await runEach(collector, split.sources, split.concurrency, deps, runOne);
  const written: Partial<Record<RecordKind, number>> = {};
  for (const r of sources)
    for (const [k, n] of Object.entries(r.written) as [RecordKind, number][])
      written[k] = (written[k] ?? 0) + n;
  return {
    source: prepared.sourceId,
    written,
    total: sources.reduce((n, r) => n + r.total, 0),
    elapsedMs: performance.now() - t0,
    facts: { sources: sources.length, failed: sources.filter((r) => !r.ok).length, ...split.facts?.() },
    sources,
  };
}
