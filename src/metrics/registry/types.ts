export type Bucket = 'day' | 'week' | 'month';
export const BUCKETS: readonly Bucket[] = ['day', 'week', 'month'];
export type Direction = 'lower_is_better' | 'higher_is_better';
export type Status = 'green' | 'yellow' | 'red' | 'none';

/** Lower-is-better: value <= green is green, <= yellow is yellow, else red. Higher-is-better mirrors it. */
export interface Thresholds {
  green: number;
  yellow: number;
}

/**
 * A metric is data, not code in a handler. Either `facts` + `aggregate` (the common case:
 * the registry adds the window, bucket and group-by), or a full `query` for metrics that
 * aggregate twice (e.g. a median of weekly counts).
 *
 * `facts` is a SELECT yielding a `ts` timestamp column, a value column `v` when the aggregate
 * needs one, and one column per allowed group-by (named as in `groupBy`). It may use $1 (from)
 * and $2 (to). `aggregate` may use `{period_days}`: the length of the bucket (or window) in days.
 */
export interface MetricBase {
  /** `{service}.{category}.{metric}` */
  name: string;
  version: number;
  title: string;
  unit: string;
  description: string;
  why: string;
  /** What to do when the value is bad. */
  action: string;
  direction: Direction;
  thresholds?: Thresholds;
  /** Allowed group-bys; each is a column of the facts (or of the query's `grp`). */
  groupBy: readonly string[];
  /**
   * The rows behind a value, over [$1, $2): a SELECT with a `ts` column and the group-by columns.
   * Facts metrics default to their facts; a query metric without it cannot be explained.
   */
  explain?: string;
  /**
   * The rows the value leaves out on purpose, and why, so explain can list and count them: a
   * SELECT like the facts (a `ts` column, the group-by columns) with a `reason` column whose
   * values are the keys of `reasons` (reason → the rule, in words).
   */
  leftOut?: { rows: string; reasons: Record<string, string> };
  /**
   * The facts column naming the person behind each row (a respondent, an author, a developer):
   * lets an experiment split a metric by a cohort of people. A query metric has none.
   */
  person?: string;
  /**
   * The values describe people's answers or behaviour (surveys, feedback, local commands,
   * activity per developer), so the registry counts distinct `person`s per value and withholds
   * (value null, `withheld` says why) any value over fewer than `privacy.min_group_size` of
   * them, on every surface that reads the registry. Needs `person`. Delivery metrics about work
   * items (PRs, runs, deployments) are not personal: a one-person repository still sees them.
   */
  personal?: boolean;
}

export interface FactsMetric extends MetricBase {
  facts: string;
  aggregate: string;
}

export interface QueryParts {
  /** SQL expression for the bucket start of a timestamp column, or `null` when unbucketed. */
  bucket: (col: string) => string;
  /** SQL expression for the group value of a facts column name, or a constant null. */
  group: (col: string) => string;
  /** The group-by name asked for, if any. */
  by: string | null;
  /** The bucket asked for, if any. */
  unit: Bucket | null;
  /**
   * Filters asked for, as a SQL fragment (empty, or starting with ` and`) over the group-by
   * columns by their bare names: add it where those columns are in scope.
   */
  where: string;
  /** SQL expression: length of the bucket (or window) holding `col`, in days. */
  periodDays: (col: string) => string;
}

export interface QueryMetric extends MetricBase {
  /** Returns SQL yielding columns bucket, grp, value over [$1, $2). */
  query: (p: QueryParts) => string;
}

export type MetricDefinition = FactsMetric | QueryMetric;

export interface MetricRequest {
  from: Date;
  to: Date;
  bucket?: Bucket | null;
  by?: string | null;
  /** Only rows whose group-by columns have these values, e.g. { team: 'payments' }. */
  where?: Record<string, string>;
}

export interface MetricValue {
  bucket: Date | null;
  group: string | null;
  value: number | null;
  /** Personal metrics: how many distinct people the value is over. */
  people?: number;
  /** Why the value is null on purpose: fewer people than `privacy.min_group_size`. */
  withheld?: string;
}
