import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import ttest2 from '@stdlib/stats-ttest2';
import { bootstrapPair, stratifiedChange } from '../impact/bootstrap.js';
import { quantileSorted, sortedCopy } from '../impact/quantile.js';
import type { SeededRandom } from '../impact/random.js';
import { proportionTest, rankTest } from '../impact/tests.js';
import type { Estimate } from '../impact/types.js';
import type { Power, ResultKind } from './types.js';

/** One stratum (a team, or everything when not stratified): the arms' values. */
export interface Stratum {
  control: number[];
  treatment: number[];
}

export interface Comparison {
  percent: Estimate;
  absolute: Estimate;
  test: { name: string; statistic: number | null; pValue: number | null };
  /** The spread the power calculation uses: SD of the (centred) values, on the test's scale. */
  sd: number | null;
}

const none: Estimate = { value: null, low: null, high: null };
const z = (p: number) => normalQuantile(p, 0, 1);
const all = (strata: Stratum[], arm: keyof Stratum) => strata.flatMap((s) => s[arm]);
const avg = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function sd(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = avg(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}
const scale = (e: Estimate, f: (x: number) => number): Estimate => ({
  value: e.value === null ? null : f(e.value),
  low: e.low === null ? null : f(e.low),
  high: e.high === null ? null : f(e.high),
});

/**
 * Durations and other medians. Each stratum's values go on the log scale (a zero duration is
 * taken as half the smallest positive one) and are centred on their stratum's pooled median, so
 * teams that are slower or faster than others carry no effect into the comparison; then
 * Mann-Whitney (Kruskal-Wallis for two groups) on the centred logs, and the events-weighted mean
 * of the strata's log median ratios with a bootstrap within each stratum (bootstrap.ts). Without
 * strata (one stratum), the plain percentile bootstrap of the two medians' difference.
 */
export function compareMedians(
  strata: Stratum[],
  o: { alpha: number; resamples: number; rng: SeededRandom },
): Comparison {
  const confidence = 1 - o.alpha;
  const control = sortedCopy(all(strata, 'control'));
  const treatment = sortedCopy(all(strata, 'treatment'));
  if (strata.length === 1) {
    const b = bootstrapPair(control, treatment, { resamples: o.resamples, confidence, rng: o.rng });
    const t = rankTest(control, treatment, o.alpha);
    return {
      percent: b.percent.median,
      absolute: b.absolute.median,
      test: { name: t.name, statistic: t.statistic, pValue: t.pValue },
      sd: sd(logs([...control, ...treatment])),
    };
  }
  const positive = [...control, ...treatment].filter((v) => v > 0);
  const floor = positive.length ? Math.min(...positive) / 2 : 1;
  const log = (v: number) => Math.log(Math.max(v, floor));
  const centred = strata.map((s) => {
    const pooled = sortedCopy([...s.control, ...s.treatment].map(log));
    const m = quantileSorted(pooled, 0.5)!;
    return { control: s.control.map((v) => log(v) - m), treatment: s.treatment.map((v) => log(v) - m) };
  });
  const t = rankTest(all(centred, 'control'), all(centred, 'treatment'), o.alpha);
  const change = stratifiedChange(
    centred.map((s) => ({ before: sortedCopy(s.control), after: sortedCopy(s.treatment) })),
    { resamples: o.resamples, confidence, rng: o.rng },
  );
  const percent = scale(change, (x) => (Math.exp(x) - 1) * 100);
  const base = quantileSorted(control, 0.5);
  return {
    percent,
    absolute: base === null ? none : scale(percent, (p) => (base * p) / 100),
    test: { name: `${t.name} on team-centred logs`, statistic: t.statistic, pValue: t.pValue },
    sd: sd([...all(centred, 'control'), ...all(centred, 'treatment')]),
  };
}

function logs(xs: readonly number[]): number[] {
  const positive = xs.filter((v) => v > 0);
  const floor = positive.length ? Math.min(...positive) / 2 : 1;
  return xs.map((v) => Math.log(Math.max(v, floor)));
}

/**
 * Means (survey scores, averages per item): Welch's two-sample t-test (@stdlib/stats-ttest2,
 * unequal variances) on the values, centred on their stratum's mean when stratified; its
 * interval of the mean difference, as a % of the control's mean.
 */
export function compareMeans(strata: Stratum[], o: { alpha: number }): Comparison {
  const centred =
    strata.length === 1
      ? strata
      : strata.map((s) => {
          const m = avg([...s.control, ...s.treatment]);
          return { control: s.control.map((v) => v - m), treatment: s.treatment.map((v) => v - m) };
        });
  const c = all(centred, 'control');
  const t = all(centred, 'treatment');
  const name = "welch's t-test";
  const spread = sd([...c.map((x) => x - avg(c)), ...t.map((x) => x - avg(t))]);
  if (c.length < 2 || t.length < 2 || !spread)
    return { percent: none, absolute: none, test: { name, statistic: null, pValue: null }, sd: spread };
  const r = ttest2(t, c, { alpha: o.alpha });
  const diff = avg(t) - avg(c);
  const absolute: Estimate = { value: diff, low: r.ci[0]!, high: r.ci[1]! };
  const base = avg(all(strata, 'control'));
  return {
    absolute,
    percent: base === 0 ? none : scale(absolute, (x) => (x / Math.abs(base)) * 100),
    test: { name, statistic: r.statistic, pValue: r.pValue },
    sd: spread,
  };
}

/**
 * 0/1 rates: the two-proportion test (chi-square on the 2x2 table, tests.ts) and the Wald
 * interval of the difference in points, as a % of the control's rate.
 */
export function compareRates(strata: Stratum[], o: { alpha: number }): Comparison {
  const c = all(strata, 'control');
  const t = all(strata, 'treatment');
  const arm = (xs: number[]) => ({ events: xs.length, count: xs.filter((v) => v === 1).length });
  const test = proportionTest(arm(c), arm(t), o.alpha);
  const result = { name: test.name, statistic: test.statistic, pValue: test.pValue };
  if (!c.length || !t.length) return { percent: none, absolute: none, test: result, sd: null };
  const pc = avg(c);
  const pt = avg(t);
  const se = Math.sqrt((pc * (1 - pc)) / c.length + (pt * (1 - pt)) / t.length);
  const half = z(1 - o.alpha / 2) * se;
  const absolute: Estimate = { value: pt - pc, low: pt - pc - half, high: pt - pc + half };
  return {
    absolute,
    percent: pc === 0 ? none : scale(absolute, (x) => (x / pc) * 100),
    test: result,
    sd: null,
  };
}

/** Asymptotic relative efficiency of Mann-Whitney against the t-test for normal data: 3/π. */
const RANK_ARE = 3 / Math.PI;

/**
 * Power to detect the hypothesised change e (%) at alpha with arms of nc and nt events, by the
 * normal approximation: power = Φ(|δ| / se − z(1 − α/2)), with
 * - medians: δ = ln(1 + e/100) on the log scale, se = σ √(1/nc + 1/nt) / √(3/π) (σ: SD of the
 *   centred logs; 3/π the rank test's efficiency);
 * - means: δ = e/100 × control mean, se = σ √(1/nc + 1/nt);
 * - rates: δ = p_c × e/100, se = √(p_c(1−p_c)/nc + p_t(1−p_t)/nt) with p_t = p_c(1 + e/100).
 * Events per arm needed (equal arms) solve the same equation for n; the detectable change is
 * the δ reached with the target power at these arm sizes.
 */
export function powerOf(
  kind: ResultKind,
  expectedPercent: number,
  o: {
    alpha: number;
    target: number;
    nc: number;
    nt: number;
    sd: number | null;
    controlValue: number | null;
  },
): Power | null {
  if (!o.nc || !o.nt || o.controlValue === null) return null;
  const za = z(1 - o.alpha / 2);
  const zb = z(o.target);
  const inv = Math.sqrt(1 / o.nc + 1 / o.nt);
  const e = expectedPercent / 100;
  let delta: number;
  let seOf: (n: number | null) => number;
  let percentOf: (d: number) => number;
  if (kind === 'rate') {
    const pc = o.controlValue;
    const pt = Math.min(1, Math.max(0, pc * (1 + e)));
    delta = pt - pc;
    const v = pc * (1 - pc) + pt * (1 - pt);
    seOf = (n) =>
      n === null ? Math.sqrt((pc * (1 - pc)) / o.nc + (pt * (1 - pt)) / o.nt) : Math.sqrt(v / n);
    percentOf = (d) => (pc === 0 ? NaN : (d / pc) * 100);
  } else {
    if (!o.sd) return null;
    const sigma = kind === 'median' ? o.sd / Math.sqrt(RANK_ARE) : o.sd;
    if (kind === 'median') {
      if (e <= -1) return null;
      delta = Math.log(1 + e);
      percentOf = (d) => (Math.exp(d) - 1) * 100;
    } else {
      delta = e * o.controlValue;
      percentOf = (d) => (o.controlValue === 0 ? NaN : (d / Math.abs(o.controlValue!)) * 100);
    }
    seOf = (n) => (n === null ? sigma * inv : sigma * Math.sqrt(2 / n));
  }
  if (delta === 0) return { expectedPercent, power: o.alpha, detectablePercent: null, requiredPerArm: null };
  const se = seOf(null);
  const power = normalCdf(Math.abs(delta) / se - za, 0, 1);
  // Equal arms of n: se(n) = se(1) / √n, and se(n) = |δ| / (za + zb) gives n.
  const se1 = seOf(1);
  const required = Math.ceil((se1 * (za + zb)) ** 2 / delta ** 2);
  const detectable = percentOf(Math.sign(delta) * (za + zb) * se);
  return {
    expectedPercent,
    power,
    detectablePercent: Number.isFinite(detectable) ? detectable : null,
    requiredPerArm: Number.isFinite(required) ? required : null,
  };
}
