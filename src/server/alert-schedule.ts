import { Cron } from 'croner';
import type { Channel } from '../alerts/channels/index.js';
import { evaluateAlerts, type EvaluationResult } from '../alerts/evaluate.js';
import { buildDigest, sendDigest, type DigestPeriod } from '../report/digest/index.js';
import type { ServerContext } from './context.js';

/** Namespace of our advisory locks (the scheduler's), so two replicas never evaluate at once. */
const LOCK_NAMESPACE = 7_411_011;

/**
 * The alert rules and the digests on the server's schedule: `notify.evaluate` evaluates every
 * rule; `digests.week.cron` and `digests.month.cron` send the weekly executive digest and the
 * monthly State of DevEx. On PostgreSQL an advisory lock makes a second replica skip a pass
 * another is running; the persisted alert state keeps either from notifying twice.
 */
export class AlertSchedule {
  private readonly crons: Cron[] = [];
  private running: Promise<EvaluationResult | null> | null = null;

  constructor(
    private readonly ctx: ServerContext,
    readonly channels: ReadonlyMap<string, Channel>,
  ) {}

  start(): void {
    const { config } = this.ctx;
    if (config.alerts.length)
      this.crons.push(
        new Cron(config.notify.evaluate, { protect: true, name: 'alerts', timezone: 'UTC' }, () =>
          this.evaluate().then(() => undefined),
        ),
      );
    for (const period of ['week', 'month'] as const) {
      const d = config.digests[period];
      if (d)
        this.crons.push(
          new Cron(d.cron, { protect: true, name: `digest-${period}`, timezone: 'UTC' }, () =>
            this.sendDigest(period).then(() => undefined),
          ),
        );
    }
  }

  async stop(): Promise<void> {
    for (const c of this.crons) c.stop();
    this.crons.length = 0;
    await this.running;
  }

  /** One evaluation pass now (the cron's tick); null when another replica holds the lock. */
  evaluate(): Promise<EvaluationResult | null> {
    this.running ??= this.exclusive('alerts', () =>
      evaluateAlerts({
        store: this.ctx.store,
        registry: this.ctx.registry,
        rules: this.ctx.config.alerts,
        channels: this.channels,
        now: this.ctx.clock(),
        logger: this.ctx.logger,
      }),
    )
      .catch((e: unknown) => {
        this.ctx.logger.warn({ error: (e as Error).message }, 'alert evaluation failed');
        return null;
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  /** Builds the period's digest as of now and sends it to its channels; failures are logged. */
  async sendDigest(period: DigestPeriod) {
    const d = this.ctx.config.digests[period];
    if (!d) return [];
    try {
      const digest = await buildDigest(this.ctx.store, this.ctx.registry, this.ctx.config, {
        period,
        now: this.ctx.clock(),
      });
      const sent = await sendDigest(digest, this.channels, d.channels, d.recipients);
      for (const s of sent)
        if (s.ok) this.ctx.logger.info({ digest: period, channel: s.channel }, 'digest sent');
        else this.ctx.logger.warn({ digest: period, channel: s.channel, error: s.error }, 'digest not sent');
      return sent;
    } catch (e) {
      this.ctx.logger.warn({ digest: period, error: (e as Error).message }, 'digest failed');
      return [];
    }
  }

  private async exclusive<T>(name: string, fn: () => Promise<T>): Promise<T | null> {
    if (this.ctx.store.kind !== 'postgres') return fn();
    return this.ctx.store.transaction(async (tx) => {
      const [row] = await tx.query<{ ok: boolean }>(
        'select pg_try_advisory_xact_lock($1, hashtext($2)) as ok',
        [LOCK_NAMESPACE, name],
      );
      return row?.ok ? fn() : null;
    });
  }
}
