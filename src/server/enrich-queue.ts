import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { enrich } from '../enrich/index.js';
import type { Store } from '../store/store.js';

/**
 * Enrich after writes that change links (deployments, commits, PRs, incidents, CI runs),
 * debounced: a CD tool posting 100 batches in a row triggers one enrich, not 100.
 */
export class EnrichQueue {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly delayMs = 2_000,
    /** Called after each enrich: derived tables changed, so cached answers are stale. */
    private readonly onEnriched: () => void = () => undefined,
  ) {}

  request(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
    this.timer.unref();
  }

  /** Runs any pending enrich now and waits for it (tests and shutdown). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.again = true;
    }
    if (this.running) {
      await this.running;
      return this.flush();
    }
    if (!this.again) return;
    this.again = false;
    this.running = enrich(this.store, this.config)
      .then((s) => {
        this.onEnriched();
        this.logger.debug({ enrich: s }, 'enriched');
      })
      .catch((e: unknown) => this.logger.error({ err: e }, 'enrich failed'))
      .finally(() => (this.running = null));
    await this.running;
  }

  /** Stops the timer; anything requested is dropped (the next start enriches anyway). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Record kinds whose arrival changes what enrich derives. */
export const LINKED_KINDS = new Set([
  'deployment',
  'commit',
  'pull_request',
  'review',
  'incident',
  'pipeline_run',
  'pipeline_job',
]);
