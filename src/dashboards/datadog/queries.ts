import { datadogName, type DatadogNameOptions } from '../../export/datadog/names.js';
import { seriesKind, STANDARD_GROUPS } from '../../export/metric-series.js';
import type { Bucket, MetricDefinition } from '../../metrics/registry/types.js';

/**
 * Datadog metric queries over what the Datadog exporter sends (src/export/datadog/): one name
 * per registry metric, and per value one series that is either the overall value (no group
 * tag) or one group's (exactly one of the standard group tags, e.g. `team:payments`).
 *
 * So a query picks one family of series: the overall one excludes every group tag the metric
 * has (`!team:*`), a grouped one requires its tag (`team:*`) and excludes the others. A template
 * variable (`team` on the team dashboard) makes a panel whose metric allows it read that
 * group's family (`team:$team.value`): one team's series once a team is chosen, and with `*`
 * every team's, aggregated (summed for counts, averaged otherwise), never mixed with the
 * overall series, so nothing is counted twice.
 */
export const EXPORTED_GROUPS: readonly string[] = STANDARD_GROUPS;

const ROLLUP_SECONDS: Record<Bucket, number> = { day: 86_400, week: 604_800, month: 2_592_000 };

/** Counts add up over time; everything else (rates, percentiles, medians) is averaged over days. */
export function isCount(def: MetricDefinition): boolean {
  return seriesKind(def).kind === 'count';
}

export interface Scope {
  /** The panel's group-by, if any. */
  by?: string;
  /** The dashboard's template variables. */
  variables: readonly string[];
}

/** The `{...}` filter of one metric's query. */
export function scopeOf(def: MetricDefinition, scope: Scope): string {
  const groups = def.groupBy.filter((g) => EXPORTED_GROUPS.includes(g));
  const parts: string[] = [];
  // A series carries one group tag at most, so one family per query: the panel's group-by, else
  // the first variable the metric allows, else the overall series.
  const family = scope.by ?? scope.variables.find((v) => groups.includes(v));
  for (const g of groups) {
    if (g !== family) parts.push(`!${g}:*`);
    else parts.push(scope.variables.includes(g) ? `${g}:$${g}.value` : `${g}:*`);
  }
  return parts.length ? parts.join(',') : '*';
}

/** `avg:github.prs.cycle_time_hours{!team:*,!repo:*}` and, for a time series, its weekly rollup. */
export function metricQuery(
  def: MetricDefinition,
  scope: Scope,
  opts: DatadogNameOptions & { bucket?: Bucket },
): string {
  const agg = isCount(def) ? 'sum' : 'avg';
  const by = scope.by ? ` by {${scope.by}}` : '';
  const base = `${agg}:${datadogName(def.name, opts)}{${scopeOf(def, scope)}}${by}`;
  const count = isCount(def) ? '.as_count()' : '';
  return opts.bucket ? `${base}${count}.rollup(${agg}, ${ROLLUP_SECONDS[opts.bucket]})` : `${base}${count}`;
}

/** How a metric's values show: ratios as percentages, durations in Datadog's own units. */
export interface Display {
  /** Multiply by this in the formula (ratios: 100). */
  scale: number;
  unit: { type: 'canonical_unit'; unit_name: string } | { type: 'custom_unit_label'; label: string };
}

const CANONICAL: Record<string, string> = {
  hours: 'hour',
  minutes: 'minute',
  seconds: 'second',
  milliseconds: 'millisecond',
  days: 'day',
  ratio: 'percent',
  '%': 'percent',
  '% of respondents': 'percent',
  '% of time': 'percent',
};

export function displayOf(def: MetricDefinition): Display {
  const canonical = CANONICAL[def.unit];
  if (canonical)
    return { scale: def.unit === 'ratio' ? 100 : 1, unit: { type: 'canonical_unit', unit_name: canonical } };
  return { scale: 1, unit: { type: 'custom_unit_label', label: def.unit } };
}

/** 0.15 * 100 is 15.000000000000002 in floating point; thresholds are shown to people. */
const round = (x: number) => Math.round(x * 1e6) / 1e6;

export const formulaOf = (query: string, d: Display) => (d.scale === 1 ? query : `${query} * ${d.scale}`);

export interface ConditionalFormat {
  comparator: '<=' | '>' | '>=' | '<';
  value: number;
  palette: 'white_on_green' | 'white_on_yellow' | 'white_on_red';
}

/** Green, yellow, red from the metric's thresholds (config overrides included), first match wins. */
export function conditionalFormats(def: MetricDefinition, d: Display): ConditionalFormat[] {
  const t = def.thresholds;
  if (!t) return [];
  const g = round(t.green * d.scale);
  const y = round(t.yellow * d.scale);
  return def.direction === 'lower_is_better'
    ? [
        { comparator: '<=', value: g, palette: 'white_on_green' },
        { comparator: '<=', value: y, palette: 'white_on_yellow' },
        { comparator: '>', value: y, palette: 'white_on_red' },
      ]
    : [
        { comparator: '>=', value: g, palette: 'white_on_green' },
        { comparator: '>=', value: y, palette: 'white_on_yellow' },
        { comparator: '<', value: y, palette: 'white_on_red' },
      ];
}
