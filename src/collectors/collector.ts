import type { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { ConfigSection } from '../config/sections.js';
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
 * What the host (the CLI, the server) hands a collector: its runtime dependencies. A collector
 * never reads `process.env` or a global: secrets come from `env`, relative paths resolve
 * against `cwd`, and the logger is the host's.
 */
export interface CollectorRuntime {
  /** The host's environment, where secrets such as GITHUB_TOKEN come from. */
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  logger: CollectorLogger;
}

/** What `prepare` is given besides its options. */
export interface PrepareContext extends CollectorRuntime {
  config: Config;
}

/** What every collector declares, whatever the shape of its run. */
export interface CollectorBase<S extends z.ZodType, U> {
  /** Its name everywhere: `pitwall collect <id>`, `collectors:` jobs, the `kind` of its sources. */
  id: string;
  description: string;
  /** Options of one run: the CLI's flags, or a scheduled job's `options:` in pitwall.yaml. */
  configSchema: S;
  /**
   * Its own pitwall.yaml section, for settings that outlive one run; its key is the collector's
   * id (`github:`). The registry hands it to the config loader.
   */
  settings?: ConfigSection;
  /**
   * All batches of one run are ingested as one `store.load`: a failure anywhere (a bad record, a
   * report that breaks off mid-way) writes nothing. For sources that are one indivisible
   * delivery, such as the test reports of one CI job; leave unset for long incremental crawls.
   */
  atomic?: boolean;
  /**
   * With `atomic`: no two records of one run share a natural key (the JUnit collector numbers a
   * test's repeats as attempts), so the load need not look for repeats (see LoadOptions).
   */
  distinctKeys?: boolean;
  collect(ctx: CollectContext<U>): AsyncGenerator<CollectBatch, CollectOutcome, void>;
}

/**
 * A data source, declared as a plain object and checked with `satisfies Collector<...>`.
 * `collect` is an async generator: it yields record batches while it is still reading its source
 * (the runner ingests one batch while the next is being parsed) and returns the new cursor.
 */
export interface Collector<S extends z.ZodType, T> extends CollectorBase<S, T> {
  /** Validates the options against the world (paths, credentials) before anything is written. */
  prepare(options: z.output<S>, ctx: PrepareContext): Promise<Prepared<T>>;
}

/** Where a fan-out run stands when it lists its sources. */
export interface SplitContext {
  /** The cursor the run's own `sources` row holds (e.g. a cached listing), or null. */
  cursor: string | null;
  logger: CollectorLogger;
}

/** The sources one fan-out run reads. */
export interface Split<U> {
  sources: Prepared<U>[];
  /** Sources collected at once. */
  concurrency: number;
  /** Kept on the run's own `sources` row (e.g. an org listing and its ETag); left out: no row. */
  cursor?: string;
  /** Facts about the whole run, read once every source is done (e.g. requests made). */
  facts?(): Record<string, string | number | boolean>;
}

/**
 * A collector whose one run reads many sources, e.g. every repository of an organisation:
 * `prepare` checks options and credentials, `split` lists the sources once the store is open,
 * and each source is collected as its own run with its own `sources` row, so a failing one is
 * recorded there and skipped while the others proceed.
 */
export interface FanOutCollector<S extends z.ZodType, T, U> extends CollectorBase<S, U> {
  prepare(options: z.output<S>, ctx: PrepareContext): Promise<Prepared<T>>;
  split(target: T, ctx: SplitContext): Promise<Split<U>>;
}

/** Any registry entry; methods are bivariant, so every declared collector is one. */
export type AnyCollector = Collector<z.ZodType, unknown> | FanOutCollector<z.ZodType, unknown, unknown>;
