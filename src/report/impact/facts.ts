import { invalidArgument } from '../../errors/errors.js';
import { filterSql, groupText, inWindow } from '../../metrics/registry/fragments.js';
import type { FactsMetric } from '../../metrics/registry/types.js';
import type { Queryable } from '../../store/store.js';
import type { Window } from './types.js';

export interface Fact {
  ts: Date;
  v: number;
  grp: string | null;
}

/** Checks `by` and the filters against what the metric may be grouped by, naming the allowed ones. */
export function checkGroups(def: FactsMetric, by: string | null, where: Record<string, string>): void {
  const allowed = def.groupBy.join(', ') || 'none';
  if (by && !def.groupBy.includes(by))
    throw invalidArgument(`metric ${def.name} cannot be grouped by "${by}"; allowed: ${allowed}`, {
      field: 'by',
    });
  for (const k of Object.keys(where))
    if (!def.groupBy.includes(k))
      throw invalidArgument(`metric ${def.name} cannot be filtered by "${k}"; allowed: ${allowed}`, {
        field: k,
      });
}

/**
 * The metric's own facts (one row per event, as the registry defines them) in one window, so the
 * comparison is over the very rows the metric aggregates: never an average of per-day percentiles.
 * Each window is its own query because facts may read the window ($1, $2) themselves.
 */
export async function readFacts(
  store: Queryable,
  def: FactsMetric,
  w: Window,
  o: { by: string | null; where: Record<string, string> },
): Promise<Fact[]> {
  const filter = filterSql(o.where, 3);
  const rows = await store.query<{ ts: Date; v: number | string | null; grp: string | null }>(
    `with f as (${def.facts})
     select ts, cast(v as double precision) as v, ${o.by ? groupText(o.by) : 'cast(null as text)'} as grp
     from f where ${inWindow()} and v is not null${filter.sql}
     order by ts`,
    [w.from, w.to, ...filter.params],
  );
  return rows.map((r) => ({ ts: r.ts, v: Number(r.v), grp: r.grp })).filter((r) => Number.isFinite(r.v));
}
