import type { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { AnyRecordInput } from '../domain/records.js';
import type { Queryable } from '../store/store.js';

/** The subset of pino's API collectors use, so a pino logger (or a test double of it) fits. */
export interface CollectorLogger {
  debug(fields: object, msg?: string): void;
  info(fields: object, msg?: string): void;
  warn(fields: object, msg?: string): void;
}

/** Reported while a collector runs; `done` counts the collector's main unit (commits, runs, ...). */
export interface CollectProgress {
  unit: string;
  done: number;
}

/** What a collector learnt before touching the store: which source row it owns and its resolved target. */
export interface Prepared<T> {
  /** Id of its row in `sources`, e.g. `git:acme/api`. */
  sourceId: string;
  target: T;
}

export interface CollectContext<T> {
  target: T;
  /**
   * For look-ups only (e.g. which people exist already). Collectors never write: they yield
   * batches and the runner ingests them, so every record goes through the one write path.
   */
  store: Queryable;
  config: Config;
  /** The cursor the last successful run returned, or null on a first run. */
  cursor: string | null;
  logger: CollectorLogger;
  progress: (p: CollectProgress) => void;
}

export interface CollectBatch {
  records: AnyRecordInput[];
}

export interface CollectOutcome {
  /** Saved on the source only when every batch was ingested. */
  cursor: string;
  /** Facts for the summary line, e.g. whether the run was incremental. */
  facts?: Record<string, string | number | boolean>;
}

/**
 * A data source, declared as a plain object and checked with `satisfies Collector<...>`.
 * `collect` is an async generator: it yields record batches while it is still reading its source
 * (the runner ingests one batch while the next is being parsed) and returns the new cursor.
 */
export interface Collector<S extends z.ZodType, T> {
  id: string;
  description: string;
  configSchema: S;
  /** Validates the options against the world (paths, credentials) before anything is written. */
  prepare(options: z.output<S>, config: Config): Promise<Prepared<T>>;
  collect(ctx: CollectContext<T>): AsyncGenerator<CollectBatch, CollectOutcome, void>;
}
