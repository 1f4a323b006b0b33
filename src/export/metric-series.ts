import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { MetricDefinition } from '../metrics/registry/types.js';
import type { Queryable } from '../store/store.js';

/**
 * The registry's values as deterministic timestamped points, for exporters that push series
 * (Datadog, OTLP). Every value comes from `MetricRegistry.compute`, so a value the privacy
 * rule withholds is never a point (it is counted in `withheld` instead).
 *
 * Points are daily buckets over [since, now): a point's timestamp is its UTC day's start, and
 * `since` is floored to its day, so a re-run over the same window sends the same points with the
 * same timestamps. Destinations that keep one value per (series, timestamp) (Datadog's gauges
 * and counts, OTLP's cumulative-free gauges) therefore never count a day twice; today's point
 * is partial and is overwritten by the next run with the fuller value.
 */

/**
 * The groups exported as tags/attributes, in this order: the standard tags, then the few
 * low-cardinality breakdowns seed 003's test-environment dashboard splits by (provisioning
 * phase, failure category, whether CI had finished). The rest (people, jobs, tests) would explode
 * cardinality; a command's `category` would collide with the hybrid `category:` name tag.
 */
export const STANDARD_GROUPS = [
  'repo',
  'org',
  'team',
  'service',
  'env',
  'workflow',
  'phase',
  'failure',
  'ci_complete',
] as const;
export type StandardGroup = (typeof STANDARD_GROUPS)[number];

export const DAY_MS = 86_400_000;

/**
 * How a destination should type the metric:
 * - `count`: a plain count or sum per day (additive: a week is the sum of its days);
 * - `percentile`: a percentile of raw values (`quantile` says which);
 * - `gauge`: anything else (rates, ratios, averages, distinct counts, per-period rates).
 */
export type SeriesKind = 'count' | 'gauge' | 'percentile';

export interface SeriesPoint {
  /** The UTC day's start. */
  timestamp: Date;
  value: number;
}

export interface Series {
  metric: string;
  /** null: the value over everything; else the group-by and its value. */
  group: { by: StandardGroup; value: string } | null;
  points: SeriesPoint[];
}

export interface MetricSeriesSet {
  definition: MetricDefinition;
  kind: SeriesKind;
  /** The percentile a `percentile` metric computes (0.9 for p90). */
  quantile?: number;
  series: Series[];
  /** Values left out because the privacy rule withheld them (per bucket and group). */
  withheld: number;
}

export interface SeriesRequest {
  /** Registry names; default every metric. Unknown names throw the registry's own error. */
  metrics?: readonly string[];
  since: Date;
  now: Date;
  /** Which standard groups to split by (only those a metric allows are used). Default all. */
  groups?: readonly StandardGroup[];
}

/** The UTC day start at or before `d`. */
export const dayStart = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);

/** The bucket timestamps a request covers: each UTC day start in [dayStart(since), now). */
export function dayBuckets(since: Date, now: Date): Date[] {
  const out: Date[] = [];
  for (let t = dayStart(since).getTime(); t < now.getTime(); t += DAY_MS) out.push(new Date(t));
  return out;
}

/** The kind of a metric, from its aggregate (query metrics are gauges). */
export function seriesKind(def: MetricDefinition): { kind: SeriesKind; quantile?: number } {
  if (!('aggregate' in def)) return { kind: 'gauge' };
  const agg = def.aggregate.replace(/\s+/g, ' ').trim();
  const q = /^percentile_cont\(([0-9.]+)\) within group \(order by v\)$/.exec(agg);
  if (q) return { kind: 'percentile', quantile: Number(q[1]) };
  // count(*) / sum(v), optionally cast: additive per day. Distinct counts are not (the same
  // person on two days is one person in the week), nor is anything divided by a period.
  if (/^(cast\()?(count\(\*\)|sum\(v\))( as double precision\))?$/.test(agg)) return { kind: 'count' };
  return { kind: 'gauge' };
}

/**
 * One set per selected metric, in registry order: the overall series and one per value of each
 * standard group the metric allows. Yields metric by metric so a caller can batch as it goes.
 */
export async function* metricSeries(
  store: Queryable,
  registry: MetricRegistry,
  req: SeriesRequest,
): AsyncGenerator<MetricSeriesSet> {
  const defs = req.metrics ? req.metrics.map((m) => registry.get(m)) : registry.list();
  const from = dayStart(req.since);
  const to = req.now;
  if (!(from < to)) return;
  const groups = req.groups ?? STANDARD_GROUPS;
  for (const def of defs) {
    let withheld = 0;
    const series: Series[] = [];
    const collect = async (by: StandardGroup | null) => {
      const values = await registry.compute(store, def.name, { from, to, bucket: 'day', by });
      const byGroup = new Map<string | null, SeriesPoint[]>();
      for (const v of values) {
        if (v.withheld) withheld++;
        if (v.value === null || !v.bucket || !Number.isFinite(v.value)) continue;
        if (by && v.group === null) continue;
        const key = by ? v.group : null;
        let pts = byGroup.get(key);
        if (!pts) byGroup.set(key, (pts = []));
        pts.push({ timestamp: dayStart(v.bucket), value: v.value });
      }
      for (const [value, points] of byGroup) {
        points.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
        series.push({ metric: def.name, group: by && value !== null ? { by, value } : null, points });
      }
    };
    await collect(null);
    for (const g of groups) if (def.groupBy.includes(g)) await collect(g);
    yield { definition: def, ...seriesKind(def), series, withheld };
  }
}
