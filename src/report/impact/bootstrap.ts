import { quantileSorted } from './quantile.js';
import type { SeededRandom } from './random.js';
import type { Estimate } from './types.js';

/** The statistics every window reports, in this order: mean, median, p90, p99. */
export const STAT_QUANTILES = [0.5, 0.9, 0.99] as const;
export type StatName = 'mean' | 'median' | 'p90' | 'p99';
export const STAT_NAMES: readonly StatName[] = ['mean', 'median', 'p90', 'p99'];

/**
 * Mean and quantiles of one sample, or of one resample of it given as `counts` (how many times
 * each element of the sorted sample was drawn). A resample of a sorted sample is that sample
 * with multiplicities, so its order statistics are found by walking the counts: O(n) per
 * resample, no sort, which keeps 2,000 resamples of thousands of events well under a second.
 */
export function sampleStats(
  sorted: Float64Array,
  counts: Uint32Array | null,
  quantiles: readonly number[] = STAT_QUANTILES,
): number[] {
  const n = sorted.length;
  let sum = 0;
  if (counts) for (let i = 0; i < n; i++) sum += counts[i]! * sorted[i]!;
  else for (let i = 0; i < n; i++) sum += sorted[i]!;
  if (!counts) return [sum / n, ...quantiles.map((p) => quantileSorted(sorted, p)!)];
  // The ranks each quantile interpolates between, ascending (the quantiles are ascending).
  const ranks: number[] = [];
  for (const p of quantiles) {
    const h = p * (n - 1);
    ranks.push(Math.floor(h), Math.min(Math.floor(h) + 1, n - 1));
  }
  const at: number[] = new Array<number>(ranks.length);
  let cum = 0;
  let r = 0;
  for (let i = 0; i < n && r < ranks.length; i++) {
    cum += counts[i]!;
    while (r < ranks.length && ranks[r]! < cum) at[r++] = sorted[i]!;
  }
  return [
    sum / n,
    ...quantiles.map((p, k) => {
      const h = p * (n - 1);
      const lo = at[2 * k]!;
      return lo + (h - Math.floor(h)) * (at[2 * k + 1]! - lo);
    }),
  ];
}

/** Draws one resample (with replacement) of an n-element sample into `counts`. */
export function drawCounts(counts: Uint32Array, rng: SeededRandom): Uint32Array {
  counts.fill(0);
  const n = counts.length;
  for (let i = 0; i < n; i++) counts[rng.index(n)]!++;
  return counts;
}

/** The percentile interval of bootstrap replicates (NaN replicates, e.g. a % of a zero, left out). */
export function interval(value: number | null, replicates: Float64Array, confidence: number): Estimate {
  if (value === null || !Number.isFinite(value)) return { value: null, low: null, high: null };
  const finite = replicates.filter((x) => Number.isFinite(x)).sort();
  if (!finite.length) return { value, low: null, high: null };
  const tail = (1 - confidence) / 2;
  return { value, low: quantileSorted(finite, tail), high: quantileSorted(finite, 1 - tail) };
}

export interface PairBootstrap {
  before: Record<StatName, Estimate>;
  after: Record<StatName, Estimate>;
  /** after − before, and (after − before) / before × 100, per statistic. */
  absolute: Record<StatName, Estimate>;
  percent: Record<StatName, Estimate>;
}

const none: Estimate = { value: null, low: null, high: null };
const allNone = (): Record<StatName, Estimate> => ({ mean: none, median: none, p90: none, p99: none });

/**
 * The percentile bootstrap of two independent samples: each window resampled on its own,
 * `resamples` times, every statistic and its change read off the same replicates.
 */
export function bootstrapPair(
  before: Float64Array,
  after: Float64Array,
  o: { resamples: number; confidence: number; rng: SeededRandom },
): PairBootstrap {
  if (!before.length || !after.length) {
    const one = (s: Float64Array) => (s.length ? estimatesOf(s, o) : allNone());
    return { before: one(before), after: one(after), absolute: allNone(), percent: allNone() };
  }
  const k = STAT_NAMES.length;
  const reps = Array.from({ length: 4 * k }, () => new Float64Array(o.resamples));
  const cb = new Uint32Array(before.length);
  const ca = new Uint32Array(after.length);
  for (let r = 0; r < o.resamples; r++) {
    const b = sampleStats(before, drawCounts(cb, o.rng));
    const a = sampleStats(after, drawCounts(ca, o.rng));
    for (let s = 0; s < k; s++) {
      reps[s]![r] = b[s]!;
      reps[k + s]![r] = a[s]!;
      reps[2 * k + s]![r] = a[s]! - b[s]!;
      reps[3 * k + s]![r] = b[s] === 0 ? NaN : ((a[s]! - b[s]!) / b[s]!) * 100;
    }
  }
  const b0 = sampleStats(before, null);
  const a0 = sampleStats(after, null);
  const pick = (offset: number, value: (s: number) => number | null) =>
    Object.fromEntries(
      STAT_NAMES.map((name, s) => [name, interval(value(s), reps[offset + s]!, o.confidence)]),
    ) as Record<StatName, Estimate>;
  return {
    before: pick(0, (s) => b0[s]!),
    after: pick(k, (s) => a0[s]!),
    absolute: pick(2 * k, (s) => a0[s]! - b0[s]!),
    percent: pick(3 * k, (s) => (b0[s] === 0 ? null : ((a0[s]! - b0[s]!) / b0[s]!) * 100)),
  };
}

/** One sample's statistics with their intervals (when the other window is empty). */
function estimatesOf(
  sorted: Float64Array,
  o: { resamples: number; confidence: number; rng: SeededRandom },
): Record<StatName, Estimate> {
  const reps = STAT_NAMES.map(() => new Float64Array(o.resamples));
  const c = new Uint32Array(sorted.length);
  for (let r = 0; r < o.resamples; r++) {
    const x = sampleStats(sorted, drawCounts(c, o.rng));
    for (let s = 0; s < reps.length; s++) reps[s]![r] = x[s]!;
  }
  const x0 = sampleStats(sorted, null);
  return Object.fromEntries(
    STAT_NAMES.map((name, s) => [name, interval(x0[s]!, reps[s]!, o.confidence)]),
  ) as Record<StatName, Estimate>;
}

/**
 * The same-weekday change: Σ w_d (median_after_d − median_before_d) / Σ w_d over the compared
 * weekdays (w_d = events on both sides), with a bootstrap that resamples within each weekday
 * and window, so the mix of weekdays is held as observed.
 */
export function stratifiedChange(
  strata: { before: Float64Array; after: Float64Array }[],
  o: { resamples: number; confidence: number; rng: SeededRandom },
): Estimate {
  if (!strata.length) return none;
  const weights = strata.map((s) => s.before.length + s.after.length);
  const total = weights.reduce((a, b) => a + b, 0);
  const median = [0.5];
  const estimate = (m: (s: { before: Float64Array; after: Float64Array }, i: number) => number) =>
    strata.reduce((acc, s, i) => acc + weights[i]! * m(s, i), 0) / total;
  const value = estimate(
    (s) => sampleStats(s.after, null, median)[1]! - sampleStats(s.before, null, median)[1]!,
  );
  const counts = strata.map((s) => ({
    b: new Uint32Array(s.before.length),
    a: new Uint32Array(s.after.length),
  }));
  const reps = new Float64Array(o.resamples);
  for (let r = 0; r < o.resamples; r++)
    reps[r] = estimate(
      (s, i) =>
        sampleStats(s.after, drawCounts(counts[i]!.a, o.rng), median)[1]! -
        sampleStats(s.before, drawCounts(counts[i]!.b, o.rng), median)[1]!,
    );
  return interval(value, reps, o.confidence);
}
