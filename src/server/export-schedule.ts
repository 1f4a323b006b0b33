import { Cron } from 'croner';
import { exporterById } from '../export/exporters.js';
import { exporterSourceId, runExporter } from '../export/run.js';
import type { ExporterJob } from '../export/schedule-config.js';
import type { ExportOutcome } from '../export/exporter.js';
import type { ServerContext } from './context.js';

/** Namespace of the export jobs' advisory locks, so two replicas never push the same job at once. */
const LOCK_NAMESPACE = 7_411_012;

/**
 * The `exporters:` jobs of pitwall.yaml on their crons (UTC) inside `pitwall serve`, generic over
 * the exporter registry. Each run records its health as a `sources` row of kind `exporter`
 * (src/export/run.ts), which `pitwall collectors list` and the sources API show. On PostgreSQL
 * an advisory lock lets one replica run a job while the others skip that tick.
 */
export class ExportSchedule {
  private readonly crons: Cron[] = [];
  private readonly running = new Map<string, Promise<ExportOutcome | null>>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly runtime: { env: Readonly<Record<string, string | undefined>>; cwd: string },
  ) {}

  get jobs(): readonly ExporterJob[] {
    return this.ctx.config.exporters;
  }

  start(): void {
    for (const job of this.jobs)
      this.crons.push(
        new Cron(
          job.schedule,
          { protect: true, name: `export-${job.name ?? job.exporter}`, timezone: 'UTC' },
          () => this.run(job).then(() => undefined),
        ),
      );
  }

  async stop(): Promise<void> {
    for (const c of this.crons) c.stop();
    this.crons.length = 0;
    await Promise.all(this.running.values());
  }

  /** One run of a job now (the cron's tick); null when it failed (logged, in its health row) or another replica ran it. */
  run(job: ExporterJob): Promise<ExportOutcome | null> {
    const id = exporterSourceId(job.exporter, job.name);
    const current = this.running.get(id);
    if (current) return current;
    const exporter = exporterById(job.exporter);
    if (!exporter) return Promise.resolve(null);
    const p = this.exclusive(id, () =>
      runExporter(
        exporter,
        job.options,
        {
          store: this.ctx.store,
          registry: this.ctx.registry,
          config: this.ctx.config,
          clock: this.ctx.clock,
          logger: this.ctx.logger,
          env: this.runtime.env,
          cwd: this.runtime.cwd,
          dryRun: false,
          out: () => undefined,
        },
        id,
      ),
    )
      .then((o) => {
        if (o)
          this.ctx.logger.info(
            { exporter: job.exporter, job: id, points: o.points, requests: o.requests },
            'export ran',
          );
        return o;
      })
      .catch((e: unknown) => {
        this.ctx.logger.warn(
          { exporter: job.exporter, job: id, error: (e as Error).message },
          'export failed',
        );
        return null;
      })
      .finally(() => this.running.delete(id));
    this.running.set(id, p);
    return p;
  }

  private async exclusive<T>(name: string, fn: () => Promise<T>): Promise<T | null> {
    if (this.ctx.store.kind !== 'postgres') return fn();
    // Held by this transaction's connection until it ends; the run itself uses the store's others.
    return this.ctx.store.transaction(async (tx) => {
      const [row] = await tx.query<{ ok: boolean }>(
        'select pg_try_advisory_xact_lock($1, hashtext($2)) as ok',
        [LOCK_NAMESPACE, name],
      );
      return row?.ok ? fn() : null;
    });
  }
}
