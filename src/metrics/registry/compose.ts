import { filterSql, groupText, inWindow, oneBucket, truncTo } from './fragments.js';
import type { MetricDefinition, MetricRequest, QueryParts } from './types.js';

/**
 * Builds the SQL for one metric request: window [$1,$2), optional bucket, group-by and filters
 * (their values become $3, $4, ... in `params`).
 */
export function composeQuery(
  def: MetricDefinition,
  req: MetricRequest,
  /** Facts metrics only: two equal windows [$1, split) and [split, $2) in one pass, split as the last parameter. */
  split?: Date,
): { sql: string; params: (string | Date)[] } {
  const filters = filterSql(req.where, 3);
  const where = filters.sql;
  const params: (string | Date)[] = [...filters.params];
  const unit = req.bucket ?? null;
  const by = req.by ?? null;
  const splitParam = `$${params.length + 3}::timestamp`;
  if (split) params.push(split);
  const bucket = (col: string) =>
    split
      ? `case when ${col} >= ${splitParam} then ${splitParam} else $1::timestamp end`
      : unit
        ? truncTo(unit, col)
        : `cast(null as timestamp)`;
  const group = (col: string) => (by ? groupText(col) : `cast(null as text)`);
  const periodDays = (col: string) =>
    split
      ? `(extract(epoch from ($2::timestamp - ${splitParam})) / 86400.0)`
      : unit
        ? `(extract(epoch from (least(${truncTo(unit, col)} + ${oneBucket(unit)}, $2::timestamp) - greatest(${truncTo(unit, col)}, $1::timestamp))) / 86400.0)`
        : `(extract(epoch from ($2::timestamp - $1::timestamp)) / 86400.0)`;
  const parts: QueryParts = { bucket, group, by, unit, periodDays, where };
  if ('query' in def) {
    if (split) throw new Error(`metric ${def.name} is a query metric: compute its windows one by one`);
    const sql = def.query(parts);
    // A query metric that forgot `p.where` would silently ignore the filter: refuse instead.
    if (where && !sql.includes(where)) throw new Error(`metric ${def.name} does not support filters`);
    return { sql, params };
  }
  const groupCol = by ?? 'null';
  const agg = def.aggregate.replaceAll(
    '{period_days}',
    unit || split ? `max(${periodDays('ts')})` : periodDays('ts'),
  );
  const people = def.personal && def.person ? `, count(distinct ${def.person}) as people` : '';
  const sql = `with f as (${def.facts})
select ${bucket('ts')} as bucket, ${group(groupCol)} as grp, ${agg} as value${people}
from f where ${inWindow()}${where}
group by 1, 2 order by 1, 2`;
  return { sql, params };
}
