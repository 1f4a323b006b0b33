import { promName } from '../../server/prometheus.js';

export { promName };

/** The selector of a metric's ungrouped series on /metrics: it carries none of the group labels. */
export const overall = (metric: string) => `${promName(metric)}{team="",repo="",service="",workflow=""}`;

/** The selector of a metric's series for one group-by (every value of that label). */
export const byGroup = (metric: string, by: string) => `${promName(metric)}{${by}!=""}`;

/** `pitwall:<metric>:<what>`: the recording rule names (level:metric:operations). */
export const recordName = (metric: string, what: string) => `pitwall:${metric.replaceAll('.', '_')}:${what}`;

/** An alert name is a metric name to Prometheus: `ci.duration_p90_minutes` -> PitwallCiDurationP90Minutes. */
export const alertName = (s: string) =>
  'Pitwall' +
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');

/** A number as PromQL reads it (no exponent surprises for the usual thresholds). */
export const num = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12))));
