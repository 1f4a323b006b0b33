import type { Direction, Status } from '../metrics/registry/types.js';

/**
 * How a SPACE measure becomes a 1–5 score (docs/space.md, "Scores"). Pure functions, so the
 * mapping is tested on its own and the report only applies it.
 *
 * Attainment r is value / target when higher is better and target / value when lower is better
 * (a lower-is-better value of 0 attains fully). The score is piecewise linear in r:
 *   r >= 1: 4.5 + 2.5 (r - 1), capped at 5    (at target: 4.5, 20% better: 5)
 *   r <  1: 4.5 - 7 (1 - r), floored at 1     (10% short: 3.8, 25% short: 2.75, half: 1)
 * so a measure exactly at its target scores the default dimension target, 4.5.
 */
export function attainment(value: number, target: number, direction: Direction): number {
  if (direction === 'higher_is_better') {
    if (target <= 0) return value >= target ? Infinity : 0;
    return value / target;
  }
  if (value <= 0) return Infinity;
  return target / value;
}

export function scoreOf(r: number): number {
  const s = r >= 1 ? 4.5 + 2.5 * (r - 1) : 4.5 - 7 * (1 - r);
  return Math.min(5, Math.max(1, s));
}

/** A measure's light: green at target, yellow within 10% of it, red beyond. */
export function lightOf(r: number | null): Status {
  if (r === null) return 'none';
  return r >= 1 ? 'green' : r >= 0.9 ? 'yellow' : 'red';
}

/** A dimension's light: green at its score target, yellow within half a point, red below. */
export function scoreLight(score: number | null, target: number): Status {
  if (score === null) return 'none';
  return score >= target ? 'green' : score >= target - 0.5 ? 'yellow' : 'red';
}

export const mean = (xs: readonly number[]): number | null =>
  xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null;

/** Scores are shown to one decimal: round here so the API, the page and the tests agree. */
export const round2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
