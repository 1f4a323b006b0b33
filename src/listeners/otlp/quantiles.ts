/**
 * Percentiles estimated from histogram buckets. Only bucket counts arrive, so a quantile is
 * placed inside the bucket that holds its rank: linearly between an explicit histogram's bounds,
 * log-linearly inside an exponential bucket (whose relative width, base - 1, bounds the error),
 * and clamped to the exact min and max when the point has them.
 */

export const QUANTILES = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p99', 0.99],
] as const;

interface Bucket {
  lo: number;
  hi: number;
  n: number;
  log: boolean;
}

function estimate(
  buckets: readonly Bucket[],
  total: number,
  q: number,
  min?: number,
  max?: number,
): number | null {
  if (total <= 0) return null;
  const rank = q * total;
  let seen = 0;
  for (const b of buckets) {
    if (b.n <= 0) continue;
    if (seen + b.n >= rank) {
      const f = Math.min(1, Math.max(0, (rank - seen) / b.n));
      let v: number;
      if (b.log && b.lo > 0 && b.hi > 0) v = b.lo * Math.pow(b.hi / b.lo, f);
      else if (b.log && b.lo < 0 && b.hi < 0) v = -(-b.lo * Math.pow(b.hi / b.lo, f));
      else v = b.lo + (b.hi - b.lo) * f;
      if (min !== undefined && v < min) v = min;
      if (max !== undefined && v > max) v = max;
      return v;
    }
    seen += b.n;
  }
  return max ?? buckets.at(-1)?.hi ?? null;
}

/**
 * Explicit-bucket histogram: bucket i holds (bounds[i-1], bounds[i]]; the first starts at min
 * (or at 0, or at its bound when that is negative), the last ends at max (or its lower bound).
 */
export function explicitQuantiles(
  counts: readonly number[],
  bounds: readonly number[],
  min?: number,
  max?: number,
): Partial<Record<(typeof QUANTILES)[number][0], number>> {
  const buckets: Bucket[] = counts.map((n, i) => {
    // The exact min and max narrow the buckets that hold them.
    let lo = i === 0 ? (min ?? Math.min(0, bounds[0] ?? 0)) : bounds[i - 1]!;
    let hi = i < bounds.length ? bounds[i]! : (max ?? lo);
    if (min !== undefined) lo = Math.max(lo, min);
    if (max !== undefined) hi = Math.min(hi, max);
    return { lo: Math.min(lo, hi), hi, n, log: false };
  });
  return quantilesOf(buckets, min, max);
}

/**
 * Exponential histogram: base = 2^(2^-scale); positive bucket at index i holds (base^i,
 * base^(i+1)], negative buckets mirror it, zero_count sits at 0. Ordered from the most negative
 * value up.
 */
export function exponentialQuantiles(p: {
  scale: number;
  zeroCount: number;
  positive: { offset: number; counts: readonly number[] };
  negative: { offset: number; counts: readonly number[] };
  min?: number;
  max?: number;
}): Partial<Record<(typeof QUANTILES)[number][0], number>> {
  const base = Math.pow(2, Math.pow(2, -p.scale));
  const buckets: Bucket[] = [];
  for (let k = p.negative.counts.length - 1; k >= 0; k--) {
    const i = p.negative.offset + k;
    buckets.push({ lo: -Math.pow(base, i + 1), hi: -Math.pow(base, i), n: p.negative.counts[k]!, log: true });
  }
  if (p.zeroCount > 0) buckets.push({ lo: 0, hi: 0, n: p.zeroCount, log: false });
  p.positive.counts.forEach((n, k) => {
    const i = p.positive.offset + k;
    buckets.push({ lo: Math.pow(base, i), hi: Math.pow(base, i + 1), n, log: true });
  });
  return quantilesOf(buckets, p.min, p.max);
}

function quantilesOf(buckets: Bucket[], min?: number, max?: number) {
  const total = buckets.reduce((s, b) => s + b.n, 0);
  const out: Partial<Record<(typeof QUANTILES)[number][0], number>> = {};
  for (const [label, q] of QUANTILES) {
    const v = estimate(buckets, total, q, min, max);
    if (v !== null && Number.isFinite(v)) out[label] = v;
  }
  return out;
}
