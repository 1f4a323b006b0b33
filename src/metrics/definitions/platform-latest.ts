import { literal } from '../registry/fragments.js';
import type { QueryParts } from '../registry/types.js';

/**
 * SQL for metrics over sampled gauges (metric_points written by the Jenkins, Argo CD and health
 * collectors). A gauge is a state at an instant, so a window's value is the newest sample of
 * each series (one series per distinct tag set), not a sum over samples; series are then
 * combined per group (a server, an instance, a service) by the metric's own expression.
 */

/** A tag of a point's JSON tags as text, on both engines. */
export const tag = (key: string) => `(cast(tags as json) ->> ${literal(key)})`;

export interface LatestSpec {
  /** alias -> stored gauge name; each alias is a column of the per-series row. */
  gauges: Record<string, string>;
  /** group-by name -> the tag it reads. */
  tags: Record<string, string>;
  /**
   * The value over the series of one bucket and group, an aggregate over the aliases, e.g.
   * `sum(items)` or `sum(failed) / nullif(sum(total), 0)`.
   */
  value: string;
  /** Only points matching this fixed condition over `tags` (e.g. a unit tag). */
  where?: string;
}

/** The points of the spec's gauges over [$1, $2), with their group-by columns: what explain lists. */
export function latestFacts(s: LatestSpec): string {
  const names = Object.values(s.gauges).map(literal).join(', ');
  const groups = Object.entries(s.tags)
    .map(([col, key]) => `, ${tag(key)} as ${col}`)
    .join('');
  return `select occurred_at as ts, name, value${groups}, tags from metric_points where name in (${names})${s.where ? ` and ${s.where}` : ''}`;
}

/**
 * The query of a latest-value metric: the newest point per bucket, gauge and tag set, one row
 * per series with a column per alias, then the spec's value per bucket and group.
 */
export function latestQuery(s: LatestSpec, p: QueryParts): string {
  const pivot = Object.entries(s.gauges)
    .map(([alias, name]) => `max(case when name = ${literal(name)} then value end) as ${alias}`)
    .join(', ');
  return `with f as (${latestFacts(s)}),
w as (select * from f where ts >= $1::timestamp and ts < $2::timestamp${p.where}),
ranked as (select ${p.bucket('ts')} as bucket, ${p.group(p.by ?? 'null')} as grp, name, tags, value,
  row_number() over (partition by ${p.bucket('ts')}, name, tags order by ts desc) as rn from w),
series as (select bucket, grp, tags, ${pivot} from ranked where rn = 1 group by bucket, grp, tags)
select bucket, grp, ${s.value} as value from series group by 1, 2 order by 1, 2`;
}
