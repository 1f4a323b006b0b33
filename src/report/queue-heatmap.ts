import { invalidArgument } from '../errors/errors.js';
import { filterSql, inWindow } from '../metrics/registry/fragments.js';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { Queryable } from '../store/store.js';

export interface HeatmapCell {
  /** ISO weekday, Monday = 1 (UTC). */
  weekday: number;
  /** Hour of the day, 0-23 (UTC), of the job's creation (when it started to wait). */
  hour: number;
  p50_seconds: number | null;
  jobs: number;
}

const METRIC = 'ci.jobs.queue_p50_seconds';

/**
 * Queue time by weekday and hour: when runners are short. Over the same rows as
 * ci.jobs.queue_p50_seconds (its facts), so each cell agrees with the metric.
 */
export async function queueHeatmap(
  store: Queryable,
  registry: MetricRegistry,
  req: { from: Date; to: Date; where?: Record<string, string> },
): Promise<{ cells: HeatmapCell[] }> {
  const def = registry.get(METRIC);
  if (!('facts' in def)) throw new Error(`${METRIC} has no facts`);
  const filters = Object.entries(req.where ?? {});
  for (const [k] of filters)
    if (!def.groupBy.includes(k))
      throw invalidArgument(
        `the queue heatmap cannot be filtered by "${k}"; allowed: ${def.groupBy.join(', ')}`,
        {
          field: k,
        },
      );
  const where = filterSql(req.where, 3);
  const rows = await store.query<HeatmapCell>(
    `with f as (${def.facts})
     select cast(extract(isodow from ts) as integer) as weekday, cast(extract(hour from ts) as integer) as hour,
       percentile_cont(0.5) within group (order by v) as p50_seconds, count(*) as jobs
     from f where ${inWindow()}${where.sql}
     group by 1, 2 order by 1, 2`,
    [req.from, req.to, ...where.params],
  );
  return {
    cells: rows.map((r) => ({
      ...r,
      weekday: Number(r.weekday),
      hour: Number(r.hour),
      jobs: Number(r.jobs),
    })),
  };
}
