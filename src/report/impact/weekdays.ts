import { stratifiedChange } from './bootstrap.js';
import type { Fact } from './facts.js';
import { quantileSorted, sortedCopy } from './quantile.js';
import type { SeededRandom } from './random.js';
import { rankTest } from './tests.js';
import type { WeekdayComparison, WeekdayRow } from './types.js';

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/** A weekday is compared when both windows hold at least this many of its events. */
export const MIN_PER_WEEKDAY = 5;

/** ISO weekday of an instant in UTC, Monday = 1. */
const isoWeekday = (d: Date) => ((d.getUTCDay() + 6) % 7) + 1;

/**
 * The seed's guard against seasonality: each weekday's median before against the same weekday's
 * after. A change that holds on every weekday is not a shift in which days were busy; the
 * same-weekday (stratified) change removes a change of weekday mix between the windows.
 */
export function compareWeekdays(
  before: readonly Fact[],
  after: readonly Fact[],
  overallChange: number | null,
  o: { alpha: number; resamples: number; confidence: number; rng: SeededRandom },
): WeekdayComparison {
  const split = (facts: readonly Fact[]) => {
    const days: number[][] = WEEKDAYS.map(() => []);
    for (const f of facts) days[isoWeekday(f.ts) - 1]!.push(f.v);
    return days.map(sortedCopy);
  };
  const b = split(before);
  const a = split(after);
  const rows: WeekdayRow[] = WEEKDAYS.map((name, i) => {
    const comparable = b[i]!.length >= MIN_PER_WEEKDAY && a[i]!.length >= MIN_PER_WEEKDAY;
    const mb = quantileSorted(b[i]!, 0.5);
    const ma = quantileSorted(a[i]!, 0.5);
    return {
      weekday: i + 1,
      name,
      before: { n: b[i]!.length, median: mb },
      after: { n: a[i]!.length, median: ma },
      change: comparable ? ma! - mb! : null,
      pValue: comparable ? rankTest(b[i]!, a[i]!, o.alpha).pValue : null,
    };
  });
  const compared = rows.filter((r) => r.change !== null);
  const sign = Math.sign(overallChange ?? 0);
  const against = compared.filter((r) => Math.sign(r.change!) !== sign || sign === 0).map((r) => r.name);
  const strata = rows
    .map((r, i) => ({ r, before: b[i]!, after: a[i]! }))
    .filter((x) => x.r.change !== null)
    .map(({ before: sb, after: sa }) => ({ before: sb, after: sa }));
  return {
    rows,
    minPerWeekday: MIN_PER_WEEKDAY,
    holdsOnEveryWeekday: compared.length >= 2 ? against.length === 0 : null,
    against,
    adjusted: stratifiedChange(strata, o),
  };
}
