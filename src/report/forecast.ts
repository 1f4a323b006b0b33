import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { linearRegression } from 'simple-statistics';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import { INSTANT_RANGE } from '../domain/time.js';
import type { Queryable } from '../store/store.js';

export const FORECAST_METHOD =
  'least-squares line through the weekly values (simple-statistics), prediction interval from the residuals (Student t, n − 2 df)';
/** Weeks of history the line is fitted to, and weeks projected (a quarter). */
export const FORECAST_HISTORY_WEEKS = 26;
export const FORECAST_HORIZON_WEEKS = 13;
export const FORECAST_LEVEL = 0.9;
/** Fewer weekly values than this and no line is drawn: two months is the least a trend needs. */
export const FORECAST_MIN_WEEKS = 8;

export interface ProjectedPoint {
  /** Index of the week after the last observed one: 1, 2, ... */
  step: number;
  value: number;
  low: number;
  high: number;
}

export interface LinearProjection {
  slope: number;
  intercept: number;
  residualSd: number;
  n: number;
  points: ProjectedPoint[];
}

/**
 * The least-squares line through (week index, value) and, for each of the next `horizon` weeks,
 * the prediction interval of one new weekly value: ŷ ± t(1 − (1 − level)/2, n − 2) · s ·
 * √(1 + 1/n + (x₀ − x̄)² / Sxx), with s the residuals' standard deviation. It widens with the
 * distance from the data, and covers `level` of future weeks when the trend is linear and the
 * noise independent and normal (test/insights/forecast.test.ts checks it on such data).
 * Missing weeks (null: no data, or withheld) are left out of the fit, not read as zero.
 */
export function projectLinear(
  weekly: readonly (number | null)[],
  horizon = FORECAST_HORIZON_WEEKS,
  level = FORECAST_LEVEL,
): LinearProjection | null {
  const pts = weekly.flatMap((v, x) => (v === null || !Number.isFinite(v) ? [] : [[x, v]]));
  const n = pts.length;
  if (n < 3) return null;
  const { m, b } = linearRegression(pts);
  const xbar = pts.reduce((s, p) => s + p[0]!, 0) / n;
  const sxx = pts.reduce((s, p) => s + (p[0]! - xbar) ** 2, 0);
  const sse = pts.reduce((s, p) => s + (p[1]! - (m * p[0]! + b)) ** 2, 0);
  const sd = Math.sqrt(sse / (n - 2));
  const t = tQuantile(1 - (1 - level) / 2, n - 2);
  const last = weekly.length - 1;
  const points = Array.from({ length: horizon }, (_, i) => {
    const x0 = last + i + 1;
    const value = m * x0 + b;
    const half = t * sd * Math.sqrt(1 + 1 / n + (x0 - xbar) ** 2 / sxx);
    return { step: i + 1, value, low: value - half, high: value + half };
  });
  return { slope: m, intercept: b, residualSd: sd, n, points };
}

export interface Forecast {
  metric: string;
  title: string;
  unit: string;
  method: string;
  level: number;
  /** The weeks fitted: Monday of each week, its value (null: no data or withheld, left out). */
  history: { week: Date; value: number | null; withheld?: string }[];
  /** The next quarter, week by week; empty with `note` when there is too little history. */
  projection: { week: Date; value: number; low: number; high: number }[];
  /** Change per week of the fitted line, in the metric's unit. */
  slopePerWeek: number | null;
  note: string | null;
}

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** The Monday (UTC midnight) on or before an instant. */
const mondayOf = (t: number) => {
  const day = Math.floor(t / DAY) * DAY;
  return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY;
};

/** Ratios stay in [0, 1]: a share projected past 100% is the line's artefact, not a forecast. */
const clampFor = (unit: string) => (v: number) => (unit === 'ratio' ? Math.min(1, Math.max(0, v)) : v);

/**
 * A metric's next quarter from its last 26 complete weeks (the week holding `to` is partial
 * and left out). Personal metrics arrive from the registry already withheld below the group
 * size; withheld weeks are shown as such and never fitted.
 */
export async function forecastMetric(
  store: Queryable,
  registry: MetricRegistry,
  req: { metric: string; to: Date; team?: string | null },
): Promise<Forecast> {
  const def = registry.get(req.metric);
  const end = mondayOf(req.to.getTime());
  const start = end - FORECAST_HISTORY_WEEKS * WEEK;
  const where = req.team && def.groupBy.includes('team') ? { team: req.team } : undefined;
  // Weeks before year 1 hold nothing either engine can store: read from there on.
  const from = Math.max(start, INSTANT_RANGE.min.getTime());
  const rows =
    from < end
      ? await registry.compute(store, def.name, {
          from: new Date(from),
          to: new Date(end),
          bucket: 'week',
          ...(where ? { where } : {}),
        })
      : [];
  const byWeek = new Map(rows.map((r) => [mondayOf(r.bucket!.getTime()), r]));
  const history = Array.from({ length: FORECAST_HISTORY_WEEKS }, (_, i) => {
    const week = start + i * WEEK;
    const r = byWeek.get(week);
    return {
      week: new Date(week),
      value: r?.value ?? null,
      ...(r?.withheld ? { withheld: r.withheld } : {}),
    };
  });
  // A trend starts where the data starts: the weeks before the first non-zero value are weeks
  // before anything was recorded (a rate over no deployments reads 0), not a rise from zero.
  const first = history.findIndex((h) => h.value !== null && h.value !== 0);
  // Nothing to fit: every week is shown, so a withheld week says so (and why).
  const fitted = first < 0 ? history : history.slice(first);
  const observed = fitted.filter((h) => h.value !== null).length;
  const base = { metric: def.name, title: def.title, unit: def.unit, method: FORECAST_METHOD };
  const held = fitted.filter((h) => h.withheld);
  const withheld = held.length ? { count: held.length, reason: held[0]!.withheld! } : null;
  const p = observed >= FORECAST_MIN_WEEKS ? projectLinear(fitted.map((h) => h.value)) : null;
  if (!p)
    return {
      ...base,
      level: FORECAST_LEVEL,
      history: fitted,
      projection: [],
      slopePerWeek: null,
      note:
        `${observed} week${observed === 1 ? '' : 's'} with a value; a projection needs ${FORECAST_MIN_WEEKS}` +
        (withheld ? ` (${withheld.count} withheld: ${withheld.reason})` : ''),
    };
  const clamp = clampFor(def.unit);
  return {
    ...base,
    level: FORECAST_LEVEL,
    history: fitted,
    projection: p.points.map((q) => ({
      week: new Date(end + (q.step - 1) * WEEK),
      value: clamp(q.value),
      low: clamp(q.low),
      high: clamp(q.high),
    })),
    slopePerWeek: p.slope,
    note: null,
  };
}
