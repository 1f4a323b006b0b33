import { BUCKETS, type Bucket, type MetricDefinition } from '../../src/metrics/registry/types.js';

/**
 * Comparing what two engines returned for the same query: rows as multisets of plain values,
 * numbers within a relative tolerance (a parallel sum may add in another order), nothing
 * rounded away. Every difference is described, so a failure names the rows, not just a count.
 */

/** Relative tolerance for numbers; the absolute floor only absorbs noise around zero (1 - x). */
export const REL = 1e-9;
const ABS = 1e-12;

type Plain = string | number | boolean | null;

/** A value as both engines should agree on it: instants as ISO text, bigints as numbers. */
export function plain(v: unknown): Plain {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return `@${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString()}`;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return `?${String(v)}`;
}

export function sameValue(a: Plain, b: Plain): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    return Math.abs(a - b) <= Math.max(ABS, REL * Math.max(Math.abs(a), Math.abs(b)));
  }
  return a === b;
}

export type PlainRow = Record<string, Plain>;

export const plainRow = (r: object): PlainRow =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)]));

/**
 * A sort key for a row: numbers to 12 significant digits so that last-bit differences between
 * engines do not reorder rows. Only the order uses it; the comparison stays exact to REL.
 */
function sortKey(r: PlainRow, cols: readonly string[]): string {
  return JSON.stringify(
    cols.map((c) => {
      const v = r[c] ?? null;
      return typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(12)) : v;
    }),
  );
}

const show = (r: PlainRow | undefined) => (r ? JSON.stringify(r) : '(missing)');

/**
 * Differences between two row sets, compared as sorted multisets. `keyCols` are sorted on first,
 * so rows with the same key (a bucket and group) line up even when a value differs.
 */
export function diffRowSets(
  left: readonly object[],
  right: readonly object[],
  keyCols: readonly string[] = [],
  limit = 8,
): string[] {
  const a = left.map(plainRow);
  const b = right.map(plainRow);
  const cols = [...new Set([...a, ...b].flatMap((r) => Object.keys(r)))].sort();
  const order = [...keyCols, ...cols.filter((c) => !keyCols.includes(c))];
  const sorted = (rs: PlainRow[]) =>
    rs
      .map((r) => ({ r, k: sortKey(r, order) }))
      .sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : 0))
      .map((x) => x.r);
  const sa = sorted(a);
  const sb = sorted(b);
  const out: string[] = [];
  const colsOf = (rs: PlainRow[]) => [...new Set(rs.flatMap((r) => Object.keys(r)))].sort().join(',');
  if (a.length && b.length && colsOf(a) !== colsOf(b))
    out.push(`columns differ: duckdb [${colsOf(a)}] postgres [${colsOf(b)}]`);
  if (a.length !== b.length) out.push(`row counts differ: duckdb ${a.length}, postgres ${b.length}`);
  for (let i = 0; i < Math.max(sa.length, sb.length) && out.length < limit; i++) {
    const x = sa[i];
    const y = sb[i];
    const bad = !x || !y ? cols : cols.filter((c) => !sameValue(x[c] ?? null, y[c] ?? null));
    if (bad.length)
      out.push(`row ${i} differs in [${bad.join(', ')}]:\n    duckdb   ${show(x)}\n    postgres ${show(y)}`);
  }
  return out;
}

/** Runs `fn` over `items` with at most `n` in flight (two engines, two cores: a little overlap). */
export async function eachLimit<T>(
  items: readonly T[],
  n: number,
  fn: (x: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/** Differences between two results of a presenter (a report, a summary), in their own order. */
export function diffDeep(a: unknown, b: unknown, path = '', out: string[] = [], limit = 8): string[] {
  if (out.length >= limit) return out;
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !(v instanceof Date);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: length duckdb ${a.length}, postgres ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) diffDeep(a[i], b[i], `${path}[${i}]`, out, limit);
  } else if (isObj(a) && isObj(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
      diffDeep(a[k], b[k], path ? `${path}.${k}` : k, out, limit);
  } else if (isObj(a) || isObj(b) || Array.isArray(a) || Array.isArray(b)) {
    out.push(`${path}: duckdb ${JSON.stringify(a)}, postgres ${JSON.stringify(b)}`);
  } else if (!sameValue(plain(a), plain(b))) {
    out.push(`${path}: duckdb ${JSON.stringify(plain(a))}, postgres ${JSON.stringify(plain(b))}`);
  }
  return out;
}

export type Filter = Record<string, string> | undefined;
export interface Combo {
  bucket: Bucket | null;
  by: string | null;
  where: Filter;
}

/** An explanation's row lists (compared as sets) apart from the rest (totals, counts, rules). */
export function explanationParts(e: object) {
  const { rows, left_out, ...rest } = e as { rows: object[]; left_out?: { rows: object[] } };
  return {
    rows,
    leftOut: left_out?.rows ?? [],
    rest: { ...rest, left_out: left_out && { ...left_out, rows: null } },
  };
}

/**
 * Query metrics compose bucket, group and filter themselves: every combination of the three.
 * Facts metrics share one composer whose fragments are independent, so every pair of choices
 * (bucket x group-by, bucket x filter, group-by x filter) is enough: a Latin square covers all
 * pairs in m x m queries (m the most choices of one dimension), each query setting all three.
 */
export function combos(def: MetricDefinition, filters: Filter[]): Combo[] {
  const buckets = [null, ...BUCKETS];
  const bys = [null, ...def.groupBy];
  if ('query' in def)
    return buckets.flatMap((bucket) => bys.flatMap((by) => filters.map((where) => ({ bucket, by, where }))));
  const m = Math.max(buckets.length, bys.length, filters.length);
  const at = <T>(xs: T[], i: number) => xs[i % xs.length]!;
  const square = Array.from({ length: m * m }, (_, n) => {
    const [i, j] = [Math.floor(n / m), n % m];
    return { bucket: at(buckets, i), by: at(bys, j), where: at(filters, (i + j) % m) };
  });
  // A dimension with fewer choices than m repeats some: ask each combination once.
  return [...new Map(square.map((c) => [JSON.stringify(c), c])).values()];
}
