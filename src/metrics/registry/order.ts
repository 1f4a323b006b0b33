import type { Queryable, SqlValue } from '../../store/store.js';
import type { MetricValue } from './types.js';

/*
 * Orders that do not depend on the store. Each engine sorts text by its own collation
 * (PostgreSQL by the server's locale, which may ignore punctuation; DuckDB byte-wise), and rows
 * that tie on the sort key come back in any order. Ordering here, text by UTF-16 code unit and
 * nulls last, gives the same answer on DuckDB and on any PostgreSQL.
 */

function compareValues(a: unknown, b: unknown): number {
  if (a === null || a === undefined || b === null || b === undefined)
    return (a == null ? 1 : 0) - (b == null ? 1 : 0);
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Metric values by bucket, then group. */
export const sortValues = (values: MetricValue[]): MetricValue[] =>
  values.sort((a, b) => compareValues(a.bucket, b.bucket) || compareValues(a.group, b.group));

/** Rows by `ts`, then by each column in turn, so ties have one order too. */
function compareRows(a: Record<string, unknown>, b: Record<string, unknown>): number {
  for (const k of ['ts', ...Object.keys(a)]) {
    const c = compareValues(a[k], b[k]);
    if (c) return c;
  }
  return 0;
}

/**
 * The first `limit` rows of `sql` (a SELECT with a `ts` column) by `ts`, out of `total`. Which
 * rows sharing the cut's `ts` make it must not depend on the engine: every row up to that `ts`
 * is read, and the ties are ordered here.
 */
export async function firstRows(
  store: Queryable,
  sql: string,
  params: readonly SqlValue[],
  limit: number,
  total: number,
): Promise<Record<string, unknown>[]> {
  const cut =
    total > limit
      ? ` where ts <= (select ts from (${sql}) y order by ts limit 1 offset $${params.length + 1})`
      : '';
  const rows = await store.query<Record<string, unknown>>(
    `select * from (${sql}) x${cut}`,
    cut ? [...params, limit - 1] : params,
  );
  return rows.sort(compareRows).slice(0, limit);
}
