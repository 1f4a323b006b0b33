import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/demo/random.js';
import { detectChanges, weekdayAdjusted, type DailyValue } from '../../src/report/change-detect.js';

const DAY = 86_400_000;
const START = Date.parse('2025-01-06T00:00:00Z'); // a Monday
/** Weekly seasonality as real metrics have it: Mondays slow, Fridays quick, weekends empty. */
const WEEKDAY = [0, 1.3, 1.1, 1, 0.95, 0.8, 0];

/** Daily values over `days` weekdays-and-weekends: level × weekday factor × lognormal-ish noise. */
function series(rng: Rng, days: number, level: (day: number) => number, noise = 0.05): DailyValue[] {
  const out: DailyValue[] = [];
  for (let i = 0; i < days; i++) {
    const day = START + i * DAY;
    const w = WEEKDAY[new Date(day).getUTCDay()]!;
    if (!w) continue;
    out.push({ day, value: level(i) * w * (1 + rng.normal(0, noise)) });
  }
  return out;
}

describe('change detection on a metric’s own history', () => {
  it('finds a planted 20% rise on its day, with about its size, despite weekly seasonality', () => {
    const rng = new Rng(1);
    const at = 70;
    const s = series(rng, 84, (i) => (i >= at ? 12 : 10));
    const found = detectChanges(s);
    expect(found).toHaveLength(1);
    const c = found[0]!;
    expect(Math.abs(c.at - (START + at * DAY))).toBeLessThanOrEqual(DAY);
    expect(c.relative!).toBeGreaterThan(0.15);
    expect(c.relative!).toBeLessThan(0.25);
    expect(c.pValue).toBeLessThan(0.01);
  });

  it('finds a fall and a later rise a week and a half apart, each against the level before it', () => {
    const rng = new Rng(2);
    const s = series(rng, 84, (i) => (i < 50 ? 10 : i < 66 ? 7.5 : 9));
    const found = detectChanges(s);
    expect(found.map((c) => Math.round((c.at - START) / DAY))).toEqual(
      [50, 66].map((d) => expect.closeTo(d, 1)),
    );
    expect(found[0]!.relative!).toBeCloseTo(-0.25, 1);
    expect(found[1]!.relative!).toBeCloseTo(0.2, 1);
  });

  it('a stable seasonal series shows no change in at most 2 of 100 draws', () => {
    let falsePositives = 0;
    for (let seed = 0; seed < 100; seed++)
      if (detectChanges(series(new Rng(100 + seed), 84, () => 10, 0.08)).length) falsePositives++;
    expect(falsePositives).toBeLessThanOrEqual(2);
  });

  it('weekday adjustment removes the weekly pattern: a stable series’ weekdays share one median', () => {
    const adjusted = weekdayAdjusted(series(new Rng(3), 84, () => 10, 0.01));
    const byDay = new Map<number, number[]>();
    for (const a of adjusted) {
      const w = new Date(a.day).getUTCDay();
      byDay.set(w, [...(byDay.get(w) ?? []), a.value]);
    }
    const medians = [...byDay.values()].map((v) => v.sort((x, y) => x - y)[Math.floor(v.length / 2)]!);
    expect(Math.max(...medians) - Math.min(...medians)).toBeLessThan(0.5);
  });

  it('too short a history, or a constant one, gives no change', () => {
    expect(detectChanges(series(new Rng(4), 10, (i) => (i > 5 ? 20 : 10)))).toEqual([]);
    expect(detectChanges(series(new Rng(5), 84, () => 10, 0))).toEqual([]);
  });
});
