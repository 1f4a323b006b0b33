import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { ensureFresh } from '../enrich/index.js';
import type { Store } from '../store/store.js';

/**
 * The server's way to ensureFresh. Write routes await `ensure()` before they answer, so a 2xx
 * means the derived tables include the write; concurrent writers share passes (ensureFresh
 * coalesces), so a CD tool posting 100 batches at once costs a few passes, not 100.
 */
export class EnrichQueue {
  private pending: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly logger: Logger,
    /** Called after a pass that derived anything: cached answers are stale. */
    private readonly onEnriched: () => void = () => undefined,
  ) {}

  async ensure(): Promise<void> {
    const run = ensureFresh(this.store, this.config).then(
      (s) => {
        if (Object.keys(s).length) {
          this.onEnriched();
          this.logger.debug({ enrich: s }, 'enriched');
        }
      },
      (e: unknown) => {
        this.logger.error({ err: e }, 'enrich failed; the write is stored and enrichment is still owed');
        throw e;
      },
    );
    this.pending = run.catch(() => undefined);
    return run;
  }

  /** For background writers (the scheduler): enrich without making anyone wait. */
  request(): void {
    void this.ensure().catch(() => undefined);
  }

  /** Waits for the last pass started (tests and shutdown). */
  async flush(): Promise<void> {
    await this.pending;
  }
}
