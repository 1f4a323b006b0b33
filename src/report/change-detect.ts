import { quantileSorted, sortedCopy } from './impact/quantile.js';
import { rankTest, RANK_TEST } from './impact/tests.js';

/** One day's value of a metric: `day` is the UTC midnight it starts at (ms). */
export interface DailyValue {
  day: number;
  value: number;
}

export interface Segment {
  /** First and last day (ms, UTC midnight) holding a value. */
  from: number;
  to: number;
  /** Days with a value. */
  n: number;
  /** Median of the weekday-adjusted daily values: the level, free of the weekday mix. */
  median: number;
}

export interface ChangePoint {
  /** The first day of the new level (ms, UTC midnight). */
  at: number;
  before: Segment;
  after: Segment;
  /** after.median − before.median, in the metric's unit. */
  absolute: number;
  /** absolute / |before.median|; null when the baseline is 0. */
  relative: number | null;
  /** The rank test's p-value on the two segments, times the number of days scanned (Bonferroni). */
  pValue: number;
  test: string;
}

export interface DetectOptions {
  /** A change is kept when its scan-corrected p-value is below this. */
  alpha: number;
  /** Each side of a change holds at least this many days with a value. */
  minDays: number;
  /** The baseline before a change reaches back at most this many days. */
  maxBaselineDays: number;
}

export const DETECT_DEFAULTS: DetectOptions = { alpha: 0.01, minDays: 7, maxBaselineDays: 56 };
export const CHANGE_TEST = `${RANK_TEST}, on weekday-adjusted daily values, Bonferroni-corrected for the days scanned`;

const DAY = 86_400_000;
const weekdayOf = (day: number) => new Date(day).getUTCDay();

/**
 * Weekly seasonality out: each value minus its weekday's typical offset from the whole series'
 * median (weekday median − overall median). Mondays that are always busier no longer look
 * like a shift when the last two weeks happen to hold more Mondays, and the levels compared are
 * on one scale. A weekday with fewer than 3 values keeps offset 0.
 */
export function weekdayAdjusted(series: readonly DailyValue[]): DailyValue[] {
  const overall = quantileSorted(sortedCopy(series.map((s) => s.value)), 0.5) ?? 0;
  const offsets = new Map<number, number>();
  for (let w = 0; w < 7; w++) {
    const vs = series.filter((s) => weekdayOf(s.day) === w).map((s) => s.value);
    offsets.set(w, vs.length >= 3 ? quantileSorted(sortedCopy(vs), 0.5)! - overall : 0);
  }
  return series.map((s) => ({ day: s.day, value: s.value - offsets.get(weekdayOf(s.day))! }));
}

/**
 * The noise of a series that may hold level shifts: the median absolute first difference,
 * scaled to a standard deviation (a shift moves one difference, not the median of them).
 */
function noiseSd(values: readonly number[]): number {
  const diffs = values.slice(1).map((v, i) => Math.abs(v - values[i]!));
  const mad = quantileSorted(sortedCopy(diffs), 0.5) ?? 0;
  return mad / (0.6745 * Math.SQRT2);
}

/**
 * Where the level changes: optimal partitioning (dynamic programming over every split) of the
 * values into segments of at least `minDays`, minimising the squared deviations from each
 * segment's mean, in units of the noise, plus a penalty of 3·ln(n) per change (a BIC-like price,
 * so noise alone rarely buys a split). Unlike splitting in two again and again, two changes a
 * week apart are both found where they are. Returns the first index of each new segment.
 */
function segmentStarts(values: readonly number[], minDays: number): number[] {
  const n = values.length;
  if (n < 2 * minDays) return [];
  const sd = noiseSd(values);
  // A flat series (every value equal, or nearly) has no noise to measure changes against.
  const scale = sd > 1e-12 ? sd * sd : null;
  if (scale === null) return [];
  const s1 = [0];
  const s2 = [0];
  for (const v of values) {
    s1.push(s1[s1.length - 1]! + v);
    s2.push(s2[s2.length - 1]! + v * v);
  }
  const cost = (a: number, b: number) => {
    const sum = s1[b]! - s1[a]!;
    return (s2[b]! - s2[a]! - (sum * sum) / (b - a)) / scale;
  };
  const penalty = 3 * Math.log(n);
  const best = new Array<number>(n + 1).fill(Infinity);
  const last = new Array<number>(n + 1).fill(-1);
  best[0] = -penalty;
  for (let t = minDays; t <= n; t++)
    for (let s = 0; s <= t - minDays; s++) {
      if (best[s] === Infinity) continue;
      const c = best[s]! + cost(s, t) + penalty;
      if (c < best[t]!) {
        best[t] = c;
        last[t] = s;
      }
    }
  const starts: number[] = [];
  for (let t = n; last[t]! > 0; t = last[t]!) starts.push(last[t]!);
  return starts.reverse();
}

const segmentOf = (xs: readonly DailyValue[]): Segment => ({
  from: xs[0]!.day,
  to: xs[xs.length - 1]!.day,
  n: xs.length,
  median: quantileSorted(sortedCopy(xs.map((x) => x.value)), 0.5)!,
});

/**
 * Shifts in a metric's level. The weekday-adjusted daily values are segmented (segmentStarts);
 * each change between two segments is then tested with the rank test (Kruskal-Wallis, the
 * maintained library impact analysis uses) on the days before it (the previous segment, at most
 * `maxBaselineDays`) against the days after (to the next change), its p-value multiplied by the
 * number of days that could have been the change (choosing the best day inflates
 * significance). A metric that fell at one change and rose at a later one shows both, each
 * against the level just before it.
 */
export function detectChanges(
  series: readonly DailyValue[],
  opts: Partial<DetectOptions> = {},
): ChangePoint[] {
  const o = { ...DETECT_DEFAULTS, ...opts };
  const xs = weekdayAdjusted([...series].sort((a, b) => a.day - b.day));
  const starts = segmentStarts(
    xs.map((x) => x.value),
    o.minDays,
  );
  return starts.flatMap((k, i) => {
    const prev = i > 0 ? starts[i - 1]! : 0;
    const next = i + 1 < starts.length ? starts[i + 1]! : xs.length;
    const at = xs[k]!.day;
    const before = xs.slice(prev, k).filter((x) => x.day >= at - o.maxBaselineDays * DAY);
    const after = xs.slice(k, next);
    if (before.length < o.minDays || after.length < o.minDays) return [];
    const t = rankTest(
      before.map((x) => x.value),
      after.map((x) => x.value),
      1,
    );
    const candidates = Math.max(1, next - prev - 2 * o.minDays + 1);
    const pValue = Math.min(1, (t.pValue ?? 1) * candidates);
    if (pValue >= o.alpha) return [];
    const b = segmentOf(before);
    const a = segmentOf(after);
    const absolute = a.median - b.median;
    return [
      {
        at,
        before: b,
        after: a,
        absolute,
        relative: b.median === 0 ? null : absolute / Math.abs(b.median),
        pValue,
        test: CHANGE_TEST,
      },
    ];
  });
}
