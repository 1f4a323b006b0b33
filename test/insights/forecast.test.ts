import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/demo/random.js';
import { FORECAST_LEVEL, projectLinear } from '../../src/report/forecast.js';

describe('next-quarter projection with a prediction interval', () => {
  it('recovers a known trend and covers 90% of future weeks on linear data with normal noise', () => {
    const rng = new Rng(11);
    let inside = 0;
    let total = 0;
    const slopes: number[] = [];
    for (let k = 0; k < 400; k++) {
      const truth = (x: number) => 20 + 0.5 * x;
      const weekly = Array.from({ length: 26 }, (_, x) => truth(x) + rng.normal(0, 2));
      const p = projectLinear(weekly, 13, FORECAST_LEVEL)!;
      slopes.push(p.slope);
      for (const q of p.points) {
        const future = truth(25 + q.step) + rng.normal(0, 2);
        total++;
        if (q.low <= future && future <= q.high) inside++;
      }
    }
    const coverage = inside / total;
    expect(coverage).toBeGreaterThan(0.87);
    expect(coverage).toBeLessThan(0.93);
    const meanSlope = slopes.reduce((s, x) => s + x, 0) / slopes.length;
    expect(meanSlope).toBeCloseTo(0.5, 1);
  });

  it('the interval widens with the distance from the data, and a noiseless line has none', () => {
    const rng = new Rng(12);
    const p = projectLinear(Array.from({ length: 20 }, (_, x) => 5 - 0.1 * x + rng.normal(0, 1)))!;
    const widths = p.points.map((q) => q.high - q.low);
    for (let i = 1; i < widths.length; i++) expect(widths[i]!).toBeGreaterThan(widths[i - 1]!);
    const exact = projectLinear(
      Array.from({ length: 10 }, (_, x) => 3 + 2 * x),
      2,
    )!;
    expect(exact.points[0]!.value).toBeCloseTo(23, 9);
    expect(exact.points[0]!.high - exact.points[0]!.low).toBeCloseTo(0, 9);
  });

  it('missing weeks are left out of the fit, not read as zero', () => {
    const weekly = Array.from({ length: 12 }, (_, x) => (x % 3 === 1 ? null : 10 + x));
    const p = projectLinear(weekly, 1)!;
    expect(p.n).toBe(8);
    expect(p.slope).toBeCloseTo(1, 9);
    expect(p.points[0]!.value).toBeCloseTo(22, 9);
    expect(projectLinear([1, null, 2])).toBeNull();
  });
});
