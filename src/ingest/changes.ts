import { randomUUID } from 'node:crypto';
import type { TableWrite } from '../store/store.js';

/** Where writes mark the tables they changed (read by ensureFresh). */
export const CHANGES_TABLE = 'table_changes';

/**
 * The write that marks `tables` as changed: a fresh token per table, in the same transaction as
 * the rows, so enrichment can tell (even after a crash) which derived state is owed.
 */
export function changeMarks(tables: Iterable<string>, token = randomUUID(), at = new Date()): TableWrite {
  return {
    table: CHANGES_TABLE,
    columns: ['table_name', 'token', 'changed_at'],
    key: ['table_name'],
    // In name order: concurrent writers (two sources of one collection, an enrichment pass) then
    // lock these rows in one order, and PostgreSQL found them deadlocked in any other.
    rows: [...new Set(tables)].sort().map((t) => [t, token, at]),
  };
}
