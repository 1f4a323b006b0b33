/**
 * The one way the rest of Pitwall talks to a database. Every SQL string handed to it is
 * in the dialect DuckDB and PostgreSQL share: `$1` parameters, `::timestamp` casts for
 * instants, explicit `cast(x as double precision)` before a division.
 */
export type SqlValue = string | number | boolean | null | Date;
export type ResultRow = Record<string, SqlValue>;

/** How long a read may run, and who may stop it: the server passes both for every request's reads. */
export interface QueryOptions {
  /** Aborting it cancels the statement in the engine (the caller went away). */
  signal?: AbortSignal;
  /** From when the statement gets its connection; past it, it is cancelled (error query_timeout). */
  timeoutMs?: number;
}

export interface Queryable {
  /** Runs one statement and returns its rows with plain JS values (numbers, strings, Dates, null). */
  query<T extends object = ResultRow>(
    sql: string,
    params?: readonly SqlValue[],
    options?: QueryOptions,
  ): Promise<T[]>;
}

export interface TableWrite {
  table: string;
  columns: readonly string[];
  key: readonly string[];
  /** Rows as arrays in `columns` order; keys must be unique within one call. */
  rows: readonly (readonly SqlValue[])[];
  /** Derived tables are rebuilt whole: delete every row first, in the same transaction. */
  replace?: boolean;
  /**
   * Columns an existing row takes from the write (default: every non-key column). A source that
   * does not know a column leaves it out here, so its upsert never wipes what another wrote.
   */
  update?: readonly string[];
  /**
   * Columns that order versions of a row, most significant first: an existing row takes the
   * write only when the write is not older. The first is the version (e.g. the source's own
   * `updated_at`): a write or a row without one is not ordered, as before. The others break a
   * tie, null lowest, so a finished state (a completion time) wins over an unfinished one.
   */
  newerBy?: readonly string[];
}

/** A transaction's handle: queries and upserts that commit or roll back together. */
export interface Tx extends Queryable {
  upsert(writes: readonly TableWrite[]): Promise<void>;
}

/** A load's handle: upserts that land together when the load ends, or not at all. */
export type LoadWriter = Pick<Tx, 'upsert'>;

export interface LoadOptions {
  /**
   * The caller's promise that no natural key repeats across the load's batches (each batch is
   * de-duplicated anyway): the store may skip looking for repeats, which over a table without a
   * primary key costs a pass over every staged key.
   */
  distinctKeys?: boolean;
}

/** The `on conflict` clause of an upsert: update the columns the write owns, or nothing. */
export function onConflict(w: TableWrite): string {
  const updates = updatedColumns(w);
  const set = updates.map((c) => `${c} = excluded.${c}`).join(', ');
  const guard = w.newerBy?.length ? ` where ${notOlder('excluded', w.table, w.newerBy)}` : '';
  return `on conflict (${w.key.join(', ')}) ${updates.length ? `do update set ${set}${guard}` : 'do nothing'}`;
}

/**
 * The upsert of `source` (a table or subquery with the write's columns, one row per key) into a
 * table without a primary key, as a MERGE on the key: the same rule as `onConflict`.
 */
export function mergeInto(w: TableWrite, source: string): string {
  const updates = updatedColumns(w);
  const on = w.key.map((k) => `${w.table}.${k} = s.${k}`).join(' and ');
  const guard = w.newerBy?.length ? ` and ${notOlder('s', w.table, w.newerBy)}` : '';
  const matched = updates.length
    ? ` when matched${guard} then update set ${updates.map((c) => `${c} = s.${c}`).join(', ')}`
    : '';
  const cols = w.columns.join(', ');
  return `merge into ${w.table} using ${source} s on (${on})${matched} when not matched then insert (${cols}) values (${w.columns.map((c) => `s.${c}`).join(', ')})`;
}

/** `$from, $from+1, ...`: the placeholders of `n` parameters, for an `in (...)` list. */
export const placeholders = (n: number, from = 1): string =>
  Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');

/** The non-key columns an existing row takes from the write. */
export function updatedColumns(w: TableWrite): string[] {
  return (w.update ?? w.columns).filter((c) => !w.key.includes(c));
}

/**
 * The write (columns of `mine`) is not older than the stored row (columns of `theirs`), by
 * `newerBy` (see TableWrite).
 */
export function notOlder(mine: string, theirs: string, by: readonly string[]): string {
  const [version, ...ties] = by.map((c) => ({ mine: `${mine}.${c}`, theirs: `${theirs}.${c}` }));
  // x < y with null lowest: a null never counts as newer than a value.
  const lt = (c: { mine: string; theirs: string }) =>
    `coalesce(${c.mine} < ${c.theirs}, ${c.mine} is null and ${c.theirs} is not null)`;
  const same = (c: { mine: string; theirs: string }) => `${c.mine} is not distinct from ${c.theirs}`;
  // Lexicographic "older": older version, or the same version and older by the first differing tie.
  const older = [version!, ...ties].map((c, i, all) => [...all.slice(0, i).map(same), lt(c)].join(' and '));
  return `(${version!.theirs} is null or ${version!.mine} is null or not (${older.map((o) => `(${o})`).join(' or ')}))`;
}

export interface Store extends Queryable {
  readonly kind: 'duckdb' | 'postgres';
  /** Where it lives, for messages: a file path or a URL without its password. */
  readonly location: string;
  /** Insert or update by natural key, all of `writes` in one transaction. */
  upsert(writes: readonly TableWrite[]): Promise<void>;
  /** Runs `fn` in a transaction: everything or nothing. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * A write of many batches (a collector's whole run) that lands whole when `fn` resolves, or
   * not at all, in memory that does not grow with its size. Where batches repeat a key the last
   * wins, as successive upserts would. Writes may not `replace`.
   */
  load<T>(fn: (w: LoadWriter) => Promise<T>, options?: LoadOptions): Promise<T>;
  /** Checks the engine answers, on a connection of its own that no read or write queues on. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
