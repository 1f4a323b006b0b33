/**
 * Datadog names for the registry's metrics (the seed's decision, issue 13): the hierarchical
 * `{service}.{category}.{metric}` name the registry already uses (`github.prs.cycle_time_hours`),
 * plus the hybrid option: a `category:<category>` tag on every series, so a dashboard can group
 * across services (`avg:*{category:prs}`) without parsing names. Dashboards (src/dashboards/
 * datadog/) and monitors import these so a query names exactly what the exporter sends.
 */

/** Datadog's own limits: a metric name is at most 200 characters, a tag at most 200. */
const MAX_NAME = 200;
const MAX_TAG = 200;

export interface DatadogNameOptions {
  /**
   * A namespace before the registry name (`datadog.prefix` in pitwall.yaml, e.g. `pitwall`),
   * for organisations that keep custom metrics under one root. Default: none, the seed's names.
   */
  prefix?: string;
}

/** The parts of a registry name: `github.prs.open` -> github, prs, open. */
export function nameParts(metricName: string): { service: string; category: string; metric: string } {
  const parts = metricName.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[a-z0-9_]+$/.test(p)))
    throw new Error(`metric name ${JSON.stringify(metricName)} is not {service}.{category}.{metric}`);
  const [service, category, metric] = parts as [string, string, string];
  return { service, category, metric };
}

/** The Datadog metric name of a registry metric. */
export function datadogName(metricName: string, opts: DatadogNameOptions = {}): string {
  nameParts(metricName);
  const prefix = opts.prefix ? checkPrefix(opts.prefix) : '';
  const name = prefix ? `${prefix}.${metricName}` : metricName;
  if (name.length > MAX_NAME)
    throw new Error(`Datadog metric name ${name} is longer than ${MAX_NAME} characters`);
  return name;
}

/** A prefix Datadog accepts as the start of a name: a letter, then letters, digits, `_` and `.`. */
export function checkPrefix(prefix: string): string {
  if (!/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/.test(prefix))
    throw new Error(
      `datadog prefix ${JSON.stringify(prefix)} must start with a letter and hold only lowercase letters, digits, "_" and "." (e.g. pitwall)`,
    );
  return prefix;
}

/**
 * `key:value` as Datadog stores it: lowercase, characters outside letters, digits and
 * `_ - : . /` replaced by `_`, at most 200 characters. Datadog lowercases tags itself; doing it
 * here makes what we send (and dedupe on) what Datadog keeps.
 */
export function datadogTag(key: string, value: string): string {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9_\-:./]/g, '_');
  return `${clean(key)}:${clean(value)}`.slice(0, MAX_TAG);
}

/** The hybrid option's tag: `category:<category>` of the registry name. */
export const categoryTag = (metricName: string) => datadogTag('category', nameParts(metricName).category);

/**
 * `percentile:p90` for a metric the registry computes as a percentile (its quantile), so
 * p50/p90/p99 of one measure can be graphed together (the seed's `percentile:p95` example).
 */
export function percentileTag(quantile: number): string {
  const p = Math.round(quantile * 1000) / 10;
  return datadogTag('percentile', `p${String(p).replace('.', '_')}`);
}
