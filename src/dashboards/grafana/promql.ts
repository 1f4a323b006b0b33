import { countsToZero } from '../../metrics/registry/registry.js';
import type { MetricDefinition } from '../../metrics/registry/types.js';
import { LABEL_GROUPS, promName } from '../../server/prometheus.js';
import type { DashboardVariable } from '../model.js';

/**
 * The Prometheus flavour reads the gauges Pitwall's /metrics serves: each metric's value over
 * the last 30 days, once unlabelled and once per group with exactly one of the labels
 * team/repo/service/workflow. A query picks its series by which labels are set.
 */

/** A variable on "All" matches the series without its label (Prometheus anchors `^$`: only ""). */
export const PROM_ALL = '^$';

const isLabel = (g: string): g is (typeof LABEL_GROUPS)[number] =>
  (LABEL_GROUPS as readonly string[]).includes(g);

/** The labels /metrics puts on this metric's series. */
export const labelsOf = (def: MetricDefinition) => LABEL_GROUPS.filter((g) => def.groupBy.includes(g));

/** Whether /metrics serves the metric split by `by`. */
export const servesGroup = (def: MetricDefinition, by: string) => isLabel(by) && def.groupBy.includes(by);

/**
 * The overall value, or one group's when a variable is set: every label the metric carries is
 * either the variable's value or absent.
 */
export function overallExpr(def: MetricDefinition, variables: readonly DashboardVariable[]): string {
  const matchers = labelsOf(def).map((l) =>
    (variables as readonly string[]).includes(l) ? `${l}=~"$${l}"` : `${l}=""`,
  );
  const selector = `${promName(def.name)}${matchers.length ? `{${matchers.join(', ')}}` : ''}`;
  // /metrics has no series for a group with nothing to count; the registry says 0 there.
  return countsToZero(def) ? `${selector} or on() vector(0)` : selector;
}

/**
 * One series per group of `by`. /metrics labels a series with one group only, so other
 * variables cannot narrow it: a by-team panel shows every team whatever the repo variable says.
 */
export function groupedExpr(def: MetricDefinition, by: string): string {
  if (!servesGroup(def, by)) throw new Error(`/metrics does not serve ${def.name} by ${by}`);
  return `${promName(def.name)}{${by}!=""}`;
}

/** Variable values come from the label of that name on any Pitwall gauge. */
export const variableQuery = (v: DashboardVariable) => `label_values({__name__=~"pitwall_.+"}, ${v})`;
