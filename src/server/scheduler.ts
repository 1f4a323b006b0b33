import { hostname } from 'node:os';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import { collectorById, collectors } from '../collectors/index.js';
import { failedSources } from '../collectors/run-split.js';
import { prepareCollector, type CollectSummary, type PreparedRun } from '../collectors/run.js';
import { readSource, writeSource } from '../collectors/sources.js';
import { scheduledIssues } from '../config/compose.js';
import type { Config, ScheduledCollector } from '../config/schema.js';
import { PitwallError } from '../errors/errors.js';
import { configContributions } from '../plugins.js';
import { applyRetention, type RetentionResult } from '../export/retention.js';
import type { Store } from '../store/store.js';
import type { EnrichQueue } from './enrich-queue.js';

export type JobOutcome =
  | { status: 'ran'; summary: CollectSummary }
  | { status: 'skipped'; reason: 'running_here' | 'running_elsewhere' }
  | { status: 'failed'; error: string };

/** Where the server's collectors get their secrets and resolve relative paths. */
export interface SchedulerRuntime {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** Namespace of our advisory locks, so they cannot collide with another application's. */
const LOCK_NAMESPACE = 7_411_011;

export const jobName = (c: ScheduledCollector, i: number) => c.name ?? `${c.id}#${i}`;

/**
 * Runs the collectors of `collectors:` on their cron schedules, one run at a time per job. On
 * PostgreSQL a transaction-scoped advisory lock per job makes a second replica skip a job
 * another replica is running; on DuckDB one process owns the file, so the in-process guard is it.
 */
export class Scheduler {
  private readonly crons: Cron[] = [];
  private readonly running = new Map<string, Promise<JobOutcome>>();
  readonly holder = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly enrich: EnrichQueue | null,
    /** The server's own environment by default: tokens such as GITHUB_TOKEN live there, never in the config. */
    private readonly runtime: SchedulerRuntime = { env: process.env, cwd: process.cwd() },
  ) {}

  jobs(): string[] {
    return this.config.collectors.map(jobName);
  }

  start(): void {
    // retention: (off unless a table has raw_days) runs on its own schedule, like a job.
    const r = this.config.retention;
    if (r.metric_points ?? r.metric_sketches ?? r.spans ?? r.commands)
      this.crons.push(
        new Cron(r.schedule, { protect: true, name: 'retention', timezone: 'UTC' }, () =>
          this.runRetention().then(() => undefined),
        ),
      );
    this.config.collectors.forEach((c, i) => {
      const name = jobName(c, i);
      // protect: croner itself never overlaps a job with its previous tick.
      this.crons.push(
        new Cron(c.schedule, { protect: true, name, timezone: 'UTC' }, () =>
          this.runJob(name).then(() => undefined),
        ),
      );
    });
  }

  /**
   * Checks every job before the server starts: a known collector, options its schema accepts,
   * a valid schedule. A typo is a config error, not a silent no-op. (Loading the config checks
   * the same; a config built in code gets here unchecked.)
   */
  static validate(config: Config): void {
    const [issue] = scheduledIssues(configContributions.scheduled, config.collectors);
    if (issue)
      throw new PitwallError('invalid_config', `config key "${issue.path.join('.')}": ${issue.message}`);
    config.collectors.forEach((c, i) => {
      try {
        new Cron(c.schedule, { paused: true }).stop();
      } catch (e) {
        throw new PitwallError(
          'invalid_config',
          `config key "collectors.${i}.schedule": ${(e as Error).message}`,
        );
      }
    });
  }

  async stop(): Promise<void> {
    for (const c of this.crons) c.stop();
    this.crons.length = 0;
    await Promise.allSettled(this.running.values());
  }

  runJob(name: string): Promise<JobOutcome> {
    const i = this.config.collectors.findIndex((c, j) => jobName(c, j) === name);
    if (i < 0) throw new PitwallError('not_found', `no scheduled collector named ${name}`);
    if (this.running.has(name)) return Promise.resolve({ status: 'skipped', reason: 'running_here' });
    const run = this.exclusive(name, () => this.execute(this.config.collectors[i]!, name)).finally(() =>
      this.running.delete(name),
    );
    this.running.set(name, run);
    return run;
  }

  /**
   * Rolls up and prunes what `retention:` allows (one replica at a time), then asks the enrich
   * queue, so derived tables follow the pruned rows. A failure is logged and kept in scheduler_runs.
   */
  async runRetention(): Promise<RetentionResult | null> {
    let result: RetentionResult | null = null;
    const startedAt = new Date();
    const outcome = await this.exclusive('retention', async () => {
      await this.mark('retention', { started_at: startedAt, finished_at: null, last_status: 'running' });
      try {
        result = await applyRetention(this.store, this.config.retention, {
          minGroupSize: this.config.privacy.min_group_size,
        });
        const rows = result.days.reduce((n, d) => n + d.rawRows, 0);
        this.logger.info({ job: 'retention', days: result.days.length, rows }, 'retention applied');
        await this.mark('retention', { started_at: startedAt, finished_at: new Date(), last_status: 'ok' });
        const summary: CollectSummary = {
          source: 'retention',
          written: {},
          total: rows,
          elapsedMs: Date.now() - startedAt.getTime(),
          facts: { days: result.days.length },
        };
        return { status: 'ran', summary };
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        this.logger.warn({ job: 'retention', error }, 'retention failed');
        await this.mark('retention', {
          started_at: startedAt,
          finished_at: new Date(),
          last_status: `error: ${error}`,
        });
        return { status: 'failed', error };
      } finally {
        this.enrich?.request();
      }
    });
    return outcome.status === 'ran' ? result : null;
  }

  /** Runs `fn` only if no other replica holds the job's lock (PostgreSQL); else skipped. */
  async exclusive(name: string, fn: () => Promise<JobOutcome>): Promise<JobOutcome> {
    if (this.store.kind !== 'postgres') return fn();
    return this.store.transaction(async (tx) => {
      const [row] = await tx.query<{ ok: boolean }>(
        'select pg_try_advisory_xact_lock($1, hashtext($2)) as ok',
        [LOCK_NAMESPACE, name],
      );
      if (!row?.ok) return { status: 'skipped', reason: 'running_elsewhere' } as const;
      return fn();
    });
  }

  private async execute(c: ScheduledCollector, name: string): Promise<JobOutcome> {
    const startedAt = new Date();
    await this.mark(name, { started_at: startedAt, finished_at: null, last_status: 'running' });
    let prepared: PreparedRun | null = null;
    try {
      const collector = collectorById(c.id);
      if (!collector)
        throw new PitwallError(
          'invalid_config',
          `no collector "${c.id}": use one of ${collectors.map((x) => x.id).join(', ')}`,
        );
      const logger = this.logger.child({ job: name });
      prepared = await prepareCollector(collector, c.options, {
        config: this.config,
        logger,
        ...this.runtime,
      });
      let summary: CollectSummary;
      try {
        summary = await prepared.run({ store: this.store, config: this.config, logger });
      } finally {
        // Whatever the run wrote, even before it failed, derived tables catch up with it.
        this.enrich?.request();
      }
      const failed = failedSources(summary);
      if (failed.length)
        throw new PitwallError(
          'collector_failed',
          `${failed.length} of ${summary.sources!.length} sources failed (recorded on their rows in sources): ${failed.map((f) => f.source).join(', ')}`,
        );
      this.logger.info({ job: name, source: summary.source, records: summary.total }, 'collector ran');
      await this.mark(name, { started_at: startedAt, finished_at: new Date(), last_status: 'ok' });
      return { status: 'ran', summary };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.logger.warn({ job: name, error }, 'collector failed');
      // A job that fails before it knows its source (bad path) still shows its health in sources.
      if (!prepared) await this.recordPrepareFailure(c, name, startedAt, error);
      await this.mark(name, {
        started_at: startedAt,
        finished_at: new Date(),
        last_status: `error: ${error}`,
      });
      return { status: 'failed', error };
    }
  }

  private async recordPrepareFailure(c: ScheduledCollector, name: string, at: Date, error: string) {
    const id = `${c.id}:${name}`;
    const prev = await readSource(this.store, id);
    await writeSource(this.store, {
      id,
      kind: c.id,
      cursor: prev?.cursor ?? null,
      last_run_at: at,
      last_success_at: prev?.last_success_at ?? null,
      last_error: error,
      last_error_at: new Date(),
      records: prev?.records ?? 0,
    });
  }

  private async mark(job: string, s: { started_at: Date; finished_at: Date | null; last_status: string }) {
    await this.store.upsert([
      {
        table: 'scheduler_runs',
        columns: ['job', 'holder', 'started_at', 'finished_at', 'last_status'],
        key: ['job'],
        rows: [[job, this.holder, s.started_at, s.finished_at, s.last_status]],
      },
    ]);
  }
}
