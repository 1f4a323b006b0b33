import type { MetricDefinition, MetricRequest, QueryParts } from './types.js';

/** Builds the SQL for one metric request: window [$1,$2), optional bucket and group-by. */
export function composeQuery(def: MetricDefinition, req: MetricRequest): string {
  const unit = req.bucket ?? null;
  const by = req.by ?? null;
  const bucket = (col: string) => (unit ? `date_trunc('${unit}', ${col})` : `cast(null as timestamp)`);
  const group = (col: string) => (by ? `cast(${col} as text)` : `cast(null as text)`);
  const periodDays = (col: string) =>
    unit
      ? `(extract(epoch from (least(date_trunc('${unit}', ${col}) + interval '1 ${unit}', $2::timestamp) - greatest(date_trunc('${unit}', ${col}), $1::timestamp))) / 86400.0)`
      : `(extract(epoch from ($2::timestamp - $1::timestamp)) / 86400.0)`;
  const parts: QueryParts = { bucket, group, by, unit, periodDays };
  if ('query' in def) return def.query(parts);
  const groupCol = by ?? 'null';
  const agg = def.aggregate.replaceAll('{period_days}', unit ? `max(${periodDays('ts')})` : periodDays('ts'));
  return `with f as (${def.facts})
select ${bucket('ts')} as bucket, ${group(groupCol)} as grp, ${agg} as value
from f where ts >= $1::timestamp and ts < $2::timestamp
group by 1, 2 order by 1, 2`;
}
