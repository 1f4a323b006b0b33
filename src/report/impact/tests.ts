import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import kruskal from '@stdlib/stats-kruskal-test';
import type { TestResult } from './types.js';

export const RANK_TEST = 'Kruskal-Wallis on the two windows (for two groups, the Mann-Whitney U test)';
export const PROPORTION_TEST = 'Pearson chi-square on the 2x2 table (two-proportion z-test), 1 df';

/**
 * Do the two windows' values come from the same distribution? Kruskal-Wallis with two groups is
 * the Mann-Whitney U test (its normal approximation, tie-corrected): a rank test, so one huge
 * outlier cannot make or break it, unlike a t-test on skewed durations.
 */
export function rankTest(before: ArrayLike<number>, after: ArrayLike<number>, alpha: number): TestResult {
  const name = 'kruskal-wallis (mann-whitney u)';
  if (!before.length || !after.length) return { name, statistic: null, pValue: null, significant: false };
  const r = kruskal(Array.from(before), Array.from(after));
  // Every value equal on both sides: no rank carries information, and the statistic is 0/0.
  const p = Number.isFinite(r.pValue) ? r.pValue : 1;
  return {
    name,
    statistic: Number.isFinite(r.statistic) ? r.statistic : 0,
    pValue: p,
    significant: p < alpha,
  };
}

/**
 * Is the share of `count` among `events` different after? The 2x2 table (window x counted or not)
 * and Pearson's chi-square without continuity correction: the square of the two-proportion
 * z statistic, so its p-value is the z-test's. The distribution is @stdlib's chi-square CDF.
 */
export function proportionTest(
  before: { events: number; count: number },
  after: { events: number; count: number },
  alpha: number,
): TestResult {
  const name = 'chi-square 2x2 (two-proportion)';
  const n = before.events + after.events;
  const hits = before.count + after.count;
  if (!before.events || !after.events) return { name, statistic: null, pValue: null, significant: false };
  // All counted or none counted on both sides: the rates are equal, nothing to test.
  if (hits === 0 || hits === n) return { name, statistic: 0, pValue: 1, significant: false };
  const table = [
    [before.count, before.events - before.count],
    [after.count, after.events - after.count],
  ];
  const rows = [before.events, after.events];
  const cols = [hits, n - hits];
  let chi2 = 0;
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 2; j++) {
      const expected = (rows[i]! * cols[j]!) / n;
      chi2 += (table[i]![j]! - expected) ** 2 / expected;
    }
  const p = 1 - chisquareCdf(chi2, 1);
  return { name, statistic: chi2, pValue: p, significant: p < alpha };
}
