import { readSource, writeSource } from '../collectors/sources.js';
import { invalidArgument, isUserError } from '../errors/errors.js';
import type { Store } from '../store/store.js';
import type { AnyExporter, ExportContext, ExportOutcome } from './exporter.js';

/** An exporter's `sources` id: `exporter:<id>`, or `exporter:<id>:<job>` for a named scheduled job. */
export const exporterSourceId = (exporterId: string, job?: string) =>
  job ? `exporter:${exporterId}:${job}` : `exporter:${exporterId}`;

/**
 * Runs an exporter once and records its health like a collector's: a `sources` row of kind
 * `exporter` with last run, last success (and the points sent, in `records`) or last error.
 * A dry run sends nothing and records nothing. The error text is the exporter's own message:
 * exporters never put a secret in one.
 */
export async function runExporter(
  exporter: AnyExporter,
  rawOptions: unknown,
  ctx: Omit<ExportContext, 'store'> & { store: Store },
  sourceId = exporterSourceId(exporter.id),
): Promise<ExportOutcome> {
  const parsed = exporter.optionsSchema.safeParse(rawOptions ?? {});
  if (!parsed.success)
    throw invalidArgument(
      `${exporter.id} options: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ')}`,
    );
  const options: unknown = parsed.data;
  const started = ctx.clock();
  const prev = ctx.dryRun ? null : await readSource(ctx.store, sourceId);
  try {
    const outcome = await exporter.run(options, ctx);
    if (!ctx.dryRun)
      await writeSource(ctx.store, {
        id: sourceId,
        kind: 'exporter',
        cursor: null,
        last_run_at: started,
        last_success_at: ctx.clock(),
        last_error: prev?.last_error ?? null,
        last_error_at: prev?.last_error_at ?? null,
        records: outcome.points,
      });
    return outcome;
  } catch (e) {
    // A bad option or missing key is the user's to fix before any send: not a failed run.
    if (!ctx.dryRun && !isUserError(e))
      await writeSource(ctx.store, {
        id: sourceId,
        kind: 'exporter',
        cursor: null,
        last_run_at: started,
        last_success_at: prev?.last_success_at ?? null,
        last_error: (e as Error).message.slice(0, 2000),
        last_error_at: ctx.clock(),
        records: prev?.records ?? 0,
      }).catch(() => undefined);
    throw e;
  }
}
