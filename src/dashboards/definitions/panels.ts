import type { Bucket } from '../../metrics/registry/types.js';
import type { PanelSpec } from '../model.js';
import { defaultMetric } from './default-metrics.js';

/**
 * Shorthands for the panels the definitions repeat. Ids derive from the metric name so a panel
 * keeps its id (and a target its widget id) when panels around it move.
 */
const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, '-').toLowerCase();

/** One number; titled with the metric's own title. */
export function stat(metric: string, width = 3): PanelSpec {
  const title = defaultMetric(metric)?.title ?? metric;
  return { id: `stat-${slug(metric)}`, title, kind: 'stat', metrics: [metric], width };
}

export interface SeriesOptions {
  id?: string;
  by?: string;
  bucket?: Bucket;
  width?: number;
  labels?: readonly string[];
  stacked?: boolean;
  text?: string;
}

export function series(title: string, metrics: readonly string[], o: SeriesOptions = {}): PanelSpec {
  return {
    id: o.id ?? `series-${slug(metrics.join('-'))}${o.by ? `-by-${o.by}` : ''}`,
    title,
    kind: 'timeseries',
    metrics,
    bucket: o.bucket ?? 'week',
    width: o.width ?? 6,
    ...(o.by ? { by: o.by } : {}),
    ...(o.labels ? { labels: o.labels } : {}),
    ...(o.stacked ? { stacked: true } : {}),
    ...(o.text ? { text: o.text } : {}),
  };
}

export function bars(title: string, metric: string, by: string, width = 6, text?: string): PanelSpec {
  return {
    id: `bars-${slug(metric)}-by-${by}`,
    title,
    kind: 'bars',
    metrics: [metric],
    by,
    width,
    ...(text ? { text } : {}),
  };
}

export function table(
  id: string,
  title: string,
  metrics: readonly string[],
  by: string,
  width = 12,
): PanelSpec {
  return { id, title, kind: 'table', metrics, by, width };
}

export function note(id: string, text: string, width = 12): PanelSpec {
  return { id, title: '', kind: 'note', metrics: [], width, text };
}
