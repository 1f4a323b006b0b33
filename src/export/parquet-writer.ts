import { statSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { ColumnType, ExportColumn } from './catalog.js';

/** DuckDB's type for each warehouse column type; instants are UTC, so Parquet marks them so. */
const DUCK_TYPES: Record<ColumnType, string> = {
  text: 'VARCHAR',
  // TIMESTAMPTZ is written as a UTC-adjusted timestamp: Spark reads it as TIMESTAMP, not TIMESTAMP_NTZ.
  timestamp: 'TIMESTAMPTZ',
  double: 'DOUBLE',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  boolean: 'BOOLEAN',
};

export const quoteIdent = (id: string) => `"${id.replace(/"/g, '""')}"`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The SQL (both engines' dialect) that renders one row as a CSV line the writer reads back
 * exactly: text quoted with doubled quotes (so "" is an empty string and an unquoted empty field
 * is NULL), instants as `YYYY-MM-DD HH:MM:SS[.ffffff]` UTC text, numbers and booleans as text.
 * Each engine builds a page of lines natively and hands over one string: the rows never become
 * JS objects, which cost more than everything else together.
 */
export function csvLine(columns: readonly ExportColumn[]): string {
  return columns
    .map((c) => {
      const col = quoteIdent(c.name);
      const text = c.type === 'text' ? `'"' || replace(${col}, '"', '""') || '"'` : `cast(${col} as text)`;
      return `coalesce(${text}, '')`;
    })
    .join(` || ',' || `);
}

/**
 * Writes Parquet through an in-memory DuckDB: `COPY (select ... from read_csv(...)) TO` turns a
 * spool of CSV lines (csvLine) into one Parquet file, typed as the warehouse table. DuckDB
 * parses and encodes natively, and only one file's rows are ever on disk in the spool.
 */
export class ParquetWriter {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  static async open(opts: { threads?: number; tempDirectory?: string } = {}): Promise<ParquetWriter> {
    const config: Record<string, string> = {};
    if (opts.threads) config.threads = String(opts.threads);
    // Where a large sort or read may spill instead of failing.
    if (opts.tempDirectory) config.temp_directory = opts.tempDirectory;
    const instance = await DuckDBInstance.create(':memory:', config);
    return new ParquetWriter(instance, await instance.connect());
  }

  /** The spool's rows, in its order, as `parquet` (snappy: every Parquet reader has it). */
  async write(spool: string, columns: readonly ExportColumn[], parquet: string): Promise<void> {
    const select =
      statSync(spool).size === 0
        ? // No rows: a typed, empty file still tells readers the table's schema.
          `select ${columns.map((c) => `cast(null as ${DUCK_TYPES[c.type]}) as ${quoteIdent(c.name)}`).join(', ')} where false`
        : `select ${columns
            .map((c) =>
              c.type === 'timestamp'
                ? `cast(${quoteIdent(c.name)} as TIMESTAMPTZ) as ${quoteIdent(c.name)}`
                : quoteIdent(c.name),
            )
            .join(', ')} from read_csv(${literal(spool)}, columns = {${columns
            .map((c) => `${literal(c.name)}: '${c.type === 'timestamp' ? 'TIMESTAMP' : DUCK_TYPES[c.type]}'`)
            .join(
              ', ',
            )}}, header = false, delim = ',', quote = '"', escape = '"', nullstr = '', allow_quoted_nulls = false, auto_detect = false)`;
    await this.conn.run(`copy (${select}) to ${literal(parquet)} (format parquet, compression snappy)`);
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
