import { composeQuery } from '../../metrics/registry/compose.js';
import { filterSql, groupText } from '../../metrics/registry/fragments.js';
import { countsToZero, type MetricRegistry } from '../../metrics/registry/registry.js';
import type { Bucket } from '../../metrics/registry/types.js';
import type { DashboardVariable } from '../model.js';

/**
 * The PostgreSQL flavour: each panel runs the registry's own SQL for its metric (composeQuery,
 * the text registry.compute runs), with the window's bind parameters replaced by Grafana's
 * time macros and each filter by the dashboard variable of the same name. Grafana's SQL data
 * sources take no bind parameters, so these are the only values the text carries.
 */

/** What a variable is on "All": custom all values reach the query unquoted (Grafana leaves them raw). */
export const SQL_ALL = "'__all'";

const WINDOW_MACROS: Record<string, string> = { '1': '$__timeFrom()', '2': '$__timeTo()' };

export interface MetricSqlRequest {
  bucket?: Bucket | null;
  by?: string | null;
  /** The dashboard's variables; those the metric can be filtered by become filters. */
  variables: readonly DashboardVariable[];
}

/** A variable filter: no filter on "All", else the rows of the chosen value (as registry `where`). */
const variableFilter = (v: string) => ` and (${SQL_ALL} in ($${v}) or ${groupText(v)} in ($${v}))`;

/**
 * SQL yielding `bucket`, `grp`, `value` for one metric, as the registry computes it: a personal
 * metric's value over fewer than `privacy.min_group_size` people is null (withheld) in the SQL
 * itself, and a count over no rows is 0.
 */
export function metricSql(registry: MetricRegistry, name: string, req: MetricSqlRequest): string {
  const def = registry.get(name);
  const filters = req.variables.filter((v) => def.groupBy.includes(v));
  const where = Object.fromEntries(filters.map((v) => [v, v]));
  const { sql: composed } = composeQuery(def, {
    from: new Date(0),
    to: new Date(1),
    bucket: req.bucket ?? null,
    by: req.by ?? null,
    where,
  });
  const fragment = filterSql(where, 3).sql;
  let sql = fragment ? composed.replaceAll(fragment, filters.map(variableFilter).join('')) : composed;
  sql = sql.replace(/\$(\d+)(?!\d)/g, (m, n: string) => {
    const macro = WINDOW_MACROS[n];
    if (!macro) throw new Error(`metric ${name}: parameter ${m} has no Grafana equivalent`);
    return macro;
  });
  let value = 'value';
  if (def.personal)
    // The registry's minimum group size is a number from config, checked to be a whole number.
    value = `case when people >= ${Math.trunc(registry.minGroupSize)} then value end`;
  const rows = `select bucket, grp, ${value} as value from (\n${sql}\n) m`;
  if (!req.bucket && !req.by && countsToZero(def))
    return `select cast(null as timestamp) as bucket, cast(null as text) as grp, coalesce(max(value), 0) as value from (${rows}) z`;
  return rows;
}

/** A double-quoted SQL identifier (a column title shown in Grafana). */
export const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
/** A SQL text literal. */
export const text = (s: string) => `'${s.replaceAll("'", "''")}'`;

export interface SqlTarget {
  rawSql: string;
  format: 'table' | 'time_series';
}

/** One number: the metric over the dashboard's range. */
export function statSql(
  registry: MetricRegistry,
  name: string,
  label: string,
  vars: readonly DashboardVariable[],
): SqlTarget {
  const m = metricSql(registry, name, { variables: vars });
  return { rawSql: `select value as ${ident(label)} from (${m}) q`, format: 'table' };
}

/** Per bucket (and group): Grafana's time-series frame, `time` plus a `metric` naming each line. */
export function seriesSql(
  registry: MetricRegistry,
  name: string,
  label: string,
  opts: { bucket: Bucket; by?: string; prefix: boolean; variables: readonly DashboardVariable[] },
): SqlTarget {
  const m = metricSql(registry, name, {
    bucket: opts.bucket,
    by: opts.by ?? null,
    variables: opts.variables,
  });
  const series = opts.by
    ? opts.prefix
      ? `${text(`${label}: `)} || coalesce(grp, '(none)')`
      : `coalesce(grp, '(none)')`
    : text(label);
  return {
    rawSql: `select bucket as "time", ${series} as metric, value from (${m}) q where bucket is not null order by 1, 2`,
    format: 'time_series',
  };
}

/** One row per group over the range, largest first; rows without the group column left out. */
export function groupsSql(
  registry: MetricRegistry,
  name: string,
  label: string,
  by: string,
  vars: readonly DashboardVariable[],
): SqlTarget {
  const m = metricSql(registry, name, { by, variables: vars });
  return {
    rawSql: `select grp as ${ident(by)}, value as ${ident(label)} from (${m}) q where grp is not null order by value desc nulls last, 1`,
    format: 'table',
  };
}

/** The values a variable offers, from the warehouse tables that hold that dimension. */
export const VARIABLE_SQL: Record<DashboardVariable, string> = {
  team: 'select team from repos where team is not null union select team from people where team is not null order by 1',
  repo: 'select repo from repos order by 1',
  service: 'select distinct service from deployments order by 1',
  env: 'select distinct environment from deployments order by 1',
  workflow: 'select distinct workflow from pipeline_runs order by 1',
};
