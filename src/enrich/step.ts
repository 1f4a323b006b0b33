import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';

export interface StepContext {
  store: Store;
  config: Config;
  /** Input tables written since the step last ran (all of `reads` on a first run). */
  changed: ReadonlySet<string>;
  /** No earlier result to build on: first run, or the config the step depends on changed. */
  full: boolean;
}

/**
 * One piece of derived state, declared: the tables it reads, the tables (or derived columns'
 * tables) it writes, the slice of config it depends on, and how to bring it up to date.
 * `ensureFresh` runs it when any input changed or its config slice differs from last time.
 */
export interface EnrichStep {
  id: string;
  description: string;
  /** Tables, or `table.column` for a column a step derives on a source's table. */
  reads: readonly string[];
  writes: readonly string[];
  /** The config the result depends on; a change re-derives without re-collecting. */
  config?: (c: Config) => unknown;
  /** Returns how many rows (or units) it derived, for summaries. */
  run(ctx: StepContext): Promise<number>;
}
