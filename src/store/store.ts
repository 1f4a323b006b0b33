/**
 * The one way the rest of Pitwall talks to a database. Every SQL string handed to it is
 * in the dialect DuckDB and PostgreSQL share: `$1` parameters, `::timestamp` casts for
 * instants, explicit `cast(x as double precision)` before a division.
 */
export type SqlValue = string | number | boolean | null | Date;
export type ResultRow = Record<string, SqlValue>;

export interface Queryable {
  /** Runs one statement and returns its rows with plain JS values (numbers, strings, Dates, null). */
  query<T extends object = ResultRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
}

export interface TableWrite {
  table: string;
  columns: readonly string[];
  key: readonly string[];
  /** Rows as arrays in `columns` order; keys must be unique within one call. */
  rows: readonly (readonly SqlValue[])[];
  /** Derived tables are rebuilt whole: delete every row first, in the same transaction. */
  replace?: boolean;
}

export interface Store extends Queryable {
  readonly kind: 'duckdb' | 'postgres';
  /** Where it lives, for messages: a file path or a URL without its password. */
  readonly location: string;
  /** Insert or update by natural key, all of `writes` in one transaction. */
  upsert(writes: readonly TableWrite[]): Promise<void>;
  /** Runs `fn` in a transaction: everything or nothing. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
