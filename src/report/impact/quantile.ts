/**
 * Quantiles as the registry's SQL computes them (`percentile_cont`: linear interpolation
 * between the two nearest ranks), so a window's median here equals the metric's p50 over it.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (!n) return null;
  const h = p * (n - 1);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export const sortedCopy = (values: readonly number[]): Float64Array => Float64Array.from(values).sort();

export function mean(values: ArrayLike<number>): number | null {
  if (!values.length) return null;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}
