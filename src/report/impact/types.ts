/** The shapes of an impact analysis: what `pitwall impact --format json` and GET /api/v1/impact return. */

/** A point estimate with its bootstrap confidence interval (null where there is too little data). */
export interface Estimate {
  value: number | null;
  low: number | null;
  high: number | null;
}

export interface Window {
  from: Date;
  to: Date;
  days: number;
}

/** What the metric's numbers are: durations get business impact, 0/1 ratios a two-proportion test. */
export type MetricKind = 'duration' | 'ratio' | 'value';

export interface WindowStats {
  /** Events (facts rows) in the window. */
  n: number;
  /** n per 7 days of the window. */
  perWeek: number;
  mean: Estimate;
  median: Estimate;
  p90: Estimate;
  p99: Estimate;
}

export interface Change {
  /** after − before, in the metric's unit. */
  absolute: Estimate;
  /** (after − before) / before × 100. */
  percent: Estimate;
}

export interface TestResult {
  name: string;
  statistic: number | null;
  pValue: number | null;
  /** pValue < 1 − confidence. */
  significant: boolean;
}

/** A share of events (failures, or the metric's own 0/1 value) before and after, with a two-proportion test. */
export interface ProportionChange {
  /** The metric whose facts were counted (the analysed one, or its success-rate sibling). */
  metric: string;
  label: string;
  before: { events: number; count: number; rate: number | null };
  after: { events: number; count: number; rate: number | null };
  /** (after − before) rate, in percentage points. */
  changePoints: number | null;
  test: TestResult;
}

export interface WeekdayRow {
  /** ISO weekday, Monday = 1 (UTC). */
  weekday: number;
  name: string;
  before: { n: number; median: number | null };
  after: { n: number; median: number | null };
  /** after − before median, when both have at least `minPerWeekday` events. */
  change: number | null;
  pValue: number | null;
}

export interface WeekdayComparison {
  rows: WeekdayRow[];
  /** Weekdays with at least this many events on both sides are compared. */
  minPerWeekday: number;
  /** Every compared weekday moved the same way as the overall median; null under 2 compared weekdays. */
  holdsOnEveryWeekday: boolean | null;
  /** Compared weekdays whose median moved the other way (or not at all). */
  against: string[];
  /**
   * The same-weekday change: the mean of the weekdays' median changes weighted by their events,
   * with a bootstrap stratified by weekday. Free of a shift in the weekday mix between windows.
   */
  adjusted: Estimate;
}

export interface BusinessImpact {
  /** before − after median, in the metric's unit (positive = time saved). */
  savedPerEvent: Estimate;
  unit: string;
  /** Events per week in the after window. */
  eventsPerWeek: number;
  hoursPerWeek: Estimate;
  hoursPerYear: Estimate;
  /** hoursPerYear × costs.developer_hour; null when no hourly cost is configured. */
  moneyPerYear: Estimate | null;
  hourlyCost: number | null;
  currency: string;
}

export interface Comparison {
  /** The group value with `by`, else null. */
  group: string | null;
  before: WindowStats;
  after: WindowStats;
  change: { median: Change; p90: Change; p99: Change; mean: Change };
  /** Kruskal-Wallis on the two windows' values: Mann-Whitney U's test for two groups. */
  rankTest: TestResult;
  /** For a ratio metric: its own share; for a duration: the failure rate of its success-rate sibling. */
  proportion: ProportionChange | null;
  weekdays: WeekdayComparison;
  business: BusinessImpact | null;
  warnings: string[];
}

/** A type, not an interface, so it is a plain record (the CLI prints it as a table row). */
export type AnnotationRow = {
  id: string;
  occurred_at: Date;
  title: string;
  team: string | null;
  repo: string | null;
  category: string;
  metric: string | null;
};

export interface DeploymentRow {
  id: string;
  service: string;
  environment: string;
  repo: string | null;
  at: Date;
  status: string;
  window: 'before' | 'after';
}

export interface Confounders {
  annotations: (AnnotationRow & { window: 'before' | 'after' })[];
  deployments: {
    total: number;
    before: number;
    after: number;
    /** Per service and environment, most first. */
    byService: { service: string; environment: string; before: number; after: number }[];
    /** Oldest first, at most `limit`. */
    rows: DeploymentRow[];
    limit: number;
  };
}

export interface ImpactMethod {
  resamples: number;
  confidence: number;
  seed: number;
  minSample: number;
  rankTest: string;
  proportionTest: string;
  weekdays: string;
}

export interface ImpactReport {
  metric: { name: string; title: string; unit: string; direction: string; kind: MetricKind };
  annotation: AnnotationRow | null;
  windows: { before: Window; after: Window };
  by: string | null;
  where: Record<string, string>;
  method: ImpactMethod;
  comparisons: Comparison[];
  confounders: Confounders;
  warnings: string[];
}
