import type { Bucket } from '../metrics/registry/types.js';

/**
 * Dashboards as code: one target-neutral description of each dashboard, built from the metric
 * registry, that each target (Datadog, Grafana) renders in its own JSON. Units, thresholds and
 * direction are not repeated here: a target reads them from the metric's definition.
 */
export type PanelKind =
  /** One number over the dashboard's time range, coloured by the metric's thresholds. */
  | 'stat'
  /** The metric over time (one line per group when `by` is set). */
  | 'timeseries'
  /** The metric per group over the range, largest first (never per person). */
  | 'bars'
  /** Several metrics per group, one column each. */
  | 'table'
  /** Free text (a section's explanation, links). */
  | 'note';

export interface PanelSpec {
  /** Stable within its dashboard: targets derive their widget ids from it. */
  id: string;
  title: string;
  kind: PanelKind;
  /** Registry metric names; empty only for a note. */
  metrics: readonly string[];
  /** A group-by the metrics allow (team, repo, service, workflow, env). */
  by?: string;
  bucket?: Bucket;
  /** Width in columns of a 12-column grid. */
  width: number;
  /** Markdown for a note; a short help text otherwise. */
  text?: string;
  /** Series legend names, one per metric (`p50`, `p90`), when the metric titles are too long. */
  labels?: readonly string[];
  /** A timeseries whose lines add up (phases of one duration): drawn as stacked areas or bars. */
  stacked?: boolean;
}

export interface SectionSpec {
  title: string;
  panels: readonly PanelSpec[];
}

export type DashboardVariable = 'team' | 'repo' | 'service' | 'env' | 'workflow';

export interface DashboardSpec {
  /** Stable id (`pitwall-executive`): push creates or updates by it, pull and diff find it by it. */
  id: string;
  title: string;
  description: string;
  /** Template variables: each filters every panel whose metrics allow that group-by. */
  variables: readonly DashboardVariable[];
  sections: readonly SectionSpec[];
}
