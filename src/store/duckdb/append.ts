import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { SqlValue } from '../store.js';
import { toParam } from '../values.js';

/**
 * Appends rows through DuckDB's appender (far faster than VALUES lists or bound statements) to a
 * table of the connection's temp catalog or of the database's own. One appender is kept per
 * table and flushed after each batch: the bindings free an appender's native buffers only when
 * V8 collects the object, which it does not hurry for memory it cannot see. Measured appending
 * 833,000 rows in batches of 5,000: a new appender per batch peaked at 390 MB RSS, one reused
 * appender at 297 MB (memory_limit 128MB both).
 */
export class RowAppender {
  private ap: DuckDBAppender | null = null;
  constructor(
    private readonly conn: DuckDBConnection,
    private readonly table: string,
    private readonly catalog: 'temp' | 'database',
  ) {}

  /** Appends and flushes: the rows are in the table (in the connection's transaction, if any). */
  async append(rows: readonly (readonly SqlValue[])[]): Promise<void> {
    this.ap ??= await this.conn.createAppender(this.table, 'main', this.catalog === 'temp' ? 'temp' : null);
    const ap = this.ap;
    try {
      for (const row of rows) {
        for (const v of row) {
          if (v === null) ap.appendNull();
          else if (typeof v === 'string') ap.appendVarchar(v);
          else if (typeof v === 'number') ap.appendDouble(v);
          else if (typeof v === 'boolean') ap.appendBoolean(v);
          else ap.appendVarchar(String(toParam(v)));
        }
        ap.endRow();
      }
      ap.flushSync();
    } catch (e) {
      // A failed append leaves the appender holding half a row: it is not reused.
      this.close();
      throw e;
    }
  }

  /** Before the table is dropped or replaced; safe to call twice or after a failure. */
  close(): void {
    const ap = this.ap;
    this.ap = null;
    try {
      ap?.closeSync();
    } catch {
      // Its rows were flushed or abandoned with a failed transaction; nothing is left to write.
    }
  }
}
