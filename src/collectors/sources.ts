import type { Queryable, Store } from '../store/store.js';

/** A collector's row in `sources`: its cursor and its health (last success, last error). */
export interface SourceState {
  id: string;
  kind: string;
  cursor: string | null;
  last_run_at: Date | null;
  last_success_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  records: number;
}

/** The columns of `sources`, in the order every writer of the table uses. */
export const SOURCE_COLUMNS = [
  'id',
  'kind',
  'cursor',
  'last_run_at',
  'last_success_at',
  'last_error',
  'last_error_at',
  'records',
] as const;

export async function readSource(store: Queryable, id: string): Promise<SourceState | null> {
  const rows = await store.query<SourceState>(
    `select ${SOURCE_COLUMNS.join(', ')} from sources where id = $1`,
    [id],
  );
  const row = rows[0];
  return row ? { ...row, records: Number(row.records) } : null;
}

/** `sources` is bookkeeping, not a record kind, so it is written with a plain upsert. */
export async function writeSource(store: Store, s: SourceState): Promise<void> {
  await store.upsert([
    {
      table: 'sources',
      columns: SOURCE_COLUMNS,
      key: ['id'],
      rows: [SOURCE_COLUMNS.map((c) => s[c])],
    },
  ]);
}
