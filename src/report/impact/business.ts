import { hoursPerUnit } from './kind.js';
import type { BusinessImpact, Estimate, WindowStats } from './types.js';

/** Weeks in a year, as the seed's worked example counts them (9.2 hours a week → ~480 a year). */
export const WEEKS_PER_YEAR = 52;

const scale = (e: Estimate, k: number): Estimate => {
  const v = (x: number | null) => (x === null ? null : x * k);
  // A negative factor would swap the bounds; every factor here is ≥ 0.
  return { value: v(e.value), low: v(e.low), high: v(e.high) };
};

/**
 * The seed's business case: time saved per event (median before − after) × events per week of
 * the after window → hours per week, × 52 per year, × costs.developer_hour per year. The
 * intervals are the median change's, carried through (events per week taken as known).
 */
export function businessImpact(
  unit: string,
  after: WindowStats,
  medianChange: Estimate,
  costs: { developer_hour: number | null; currency: string },
): BusinessImpact | null {
  const perUnit = hoursPerUnit(unit);
  if (perUnit === null || medianChange.value === null || !after.n) return null;
  const saved: Estimate = {
    value: -medianChange.value,
    low: medianChange.high === null ? null : -medianChange.high,
    high: medianChange.low === null ? null : -medianChange.low,
  };
  const eventsPerWeek = after.perWeek;
  const hoursPerWeek = scale(saved, perUnit * eventsPerWeek);
  const hoursPerYear = scale(hoursPerWeek, WEEKS_PER_YEAR);
  return {
    savedPerEvent: saved,
    unit,
    eventsPerWeek,
    hoursPerWeek,
    hoursPerYear,
    moneyPerYear: costs.developer_hour === null ? null : scale(hoursPerYear, costs.developer_hour),
    hourlyCost: costs.developer_hour,
    currency: costs.currency,
  };
}
