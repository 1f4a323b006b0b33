import {
  DuckDBInstance,
  timestampTZValue,
  type DuckDBAppender,
  type DuckDBConnection,
} from '@duckdb/node-api';
import type { SqlValue } from '../store/store.js';
import type { ExportColumn, ColumnType } from './catalog.js';

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

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Writes Parquet through an in-memory DuckDB: rows are appended (DuckDB's appender, the fastest
 * way in) to a staging table shaped like the warehouse table, then `COPY ... TO` writes the file.
 * The staging table holds one file's rows at most, so memory is bounded by the caller's file size.
 * Engine-independent: rows arrive as the Store returns them, from DuckDB or PostgreSQL alike.
 */
export class ParquetWriter {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  static async open(opts: { threads?: number; tempDirectory?: string } = {}): Promise<ParquetWriter> {
    const config: Record<string, string> = {};
    if (opts.threads) config.threads = String(opts.threads);
    // Where a large staging table may spill instead of failing.
    if (opts.tempDirectory) config.temp_directory = opts.tempDirectory;
    const instance = await DuckDBInstance.create(':memory:', config);
    return new ParquetWriter(instance, await instance.connect());
  }

  /** A staging table for one file: append rows to it, then `finish` writes the file. */
  async begin(columns: readonly ExportColumn[]): Promise<ParquetFile> {
    await this.conn.run(
      `create or replace table staging (${columns.map((c) => `${quote(c.name)} ${DUCK_TYPES[c.type]}`).join(', ')})`,
    );
    return new ParquetFile(this.conn, columns, await this.conn.createAppender('staging'));
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

export class ParquetFile {
  rows = 0;
  constructor(
    private readonly conn: DuckDBConnection,
    private readonly columns: readonly ExportColumn[],
    private readonly appender: DuckDBAppender,
  ) {}

  append(row: Readonly<Record<string, SqlValue>>): void {
    const ap = this.appender;
    for (const c of this.columns) {
      const v = row[c.name];
      if (v === null || v === undefined) {
        ap.appendNull();
        continue;
      }
      switch (c.type) {
        case 'timestamp':
          ap.appendTimestampTZ(
            timestampTZValue(BigInt((v instanceof Date ? v : new Date(String(v))).getTime()) * 1000n),
          );
          break;
        case 'double':
          ap.appendDouble(Number(v));
          break;
        case 'integer':
          ap.appendInteger(Number(v));
          break;
        case 'bigint':
          ap.appendBigInt(BigInt(Math.trunc(Number(v))));
          break;
        case 'boolean':
          ap.appendBoolean(Boolean(v));
          break;
        default:
          ap.appendVarchar(v instanceof Date ? v.toISOString() : String(v));
      }
    }
    ap.endRow();
    this.rows++;
  }

  /** Writes the appended rows, in the order appended, to `path` (snappy: every Parquet reader has it). */
  async finish(path: string): Promise<void> {
    this.appender.closeSync();
    await this.conn.run(`copy staging to ${literal(path)} (format parquet, compression snappy)`);
    await this.conn.run('drop table staging');
  }

  /** Drops what was appended, writing nothing. */
  async abandon(): Promise<void> {
    try {
      this.appender.closeSync();
    } finally {
      await this.conn.run('drop table if exists staging');
    }
  }
}
