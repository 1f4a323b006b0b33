import type pg from 'pg';
import type { TableWrite } from '../store.js';

/**
 * Autovacuum's analyze threshold is 50 rows + 10% of the table; analyzing that often from the
 * write path cost a bulk load of 373,555 records a third of its speed (28.7k records/s to
 * 19.6k). Half the table, at least 10,000 rows, keeps the estimates within a factor of 1.5.
 */
const MIN_ROWS = 10_000;
const SHARE = 0.5;

/**
 * Planner statistics kept up with this process's writes. Autovacuum analyzes a table once about
 * a tenth of it changed, but only on its next round (up to a minute later), so the dashboards
 * read right after a large collection were planned as if the tables were still empty: on the
 * demo org at 100 developers x 90 days ci.tests.flaky_count took 1.1 s before autovacuum came
 * round, 0.15 s after. Each committed write adds its rows to its table's count; a table whose
 * count passes the threshold is analyzed once the write has committed.
 */
export class Statistics {
  private readonly written = new Map<string, number>();
  /** Rows the planner believed each table held at its last analyze (pg_class.reltuples). */
  private readonly size = new Map<string, number>();

  /**
   * After a commit: adds its rows per table, and analyzes the tables that passed their threshold.
   * Never fails: the write has landed, and statistics only speed reads up (autovacuum still runs).
   */
  async committed(client: pg.ClientBase, rows: ReadonlyMap<string, number>): Promise<void> {
    await this.refresh(client, rows).catch(() => undefined);
  }

  private async refresh(client: pg.ClientBase, rows: ReadonlyMap<string, number>): Promise<void> {
    for (const [table, n] of rows) this.written.set(table, (this.written.get(table) ?? 0) + n);
    for (const [table, n] of this.written) {
      if (n < MIN_ROWS) continue;
      let size = this.size.get(table);
      if (size === undefined) size = await reltuples(client, table);
      if (n < MIN_ROWS + SHARE * size) {
        this.size.set(table, size);
        continue;
      }
      // The table names are the record kinds' own (never input), so they can be spelled out.
      await client.query(`analyze ${table}`);
      this.written.set(table, 0);
      this.size.set(table, await reltuples(client, table));
    }
  }
}

/** Adds the writes' rows per table to `into` (the counts, never the rows: a load can be large). */
export function countRows(into: Map<string, number>, writes: readonly TableWrite[]): void {
  for (const w of writes) into.set(w.table, (into.get(w.table) ?? 0) + w.rows.length);
}

async function reltuples(client: pg.ClientBase, table: string): Promise<number> {
  const r = await client.query<{ n: number }>(
    'select greatest(reltuples, 0)::float8 as n from pg_class where oid = to_regclass($1)',
    [table],
  );
  return Number(r.rows[0]?.n ?? 0);
}
