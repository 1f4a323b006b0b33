import { Gauge, Registry } from 'prom-client';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { Queryable } from '../store/store.js';

/** Only these groups become labels: people, commands and tests would explode the series count. */
export const LABEL_GROUPS = ['team', 'repo', 'service', 'workflow'] as const;
/** Series per metric at most (the ungrouped value plus the largest groups). */
export const MAX_SERIES_PER_METRIC = 50;
const WINDOW_MS = 30 * 86_400_000;
/** The gauge counting a personal metric's series withheld by the privacy rule. */
export const withheldName = (metric: string) => `${promName(metric)}_withheld`;

export const promName = (metric: string) => `pitwall_${metric.replaceAll('.', '_')}`;

/**
 * /metrics: the registry's current values over the last 30 days as gauges. Computing every
 * metric is a few hundred queries, so a scrape within `cacheMs` of the last one reuses it.
 */
export class PrometheusExporter {
  private cached: { at: number; text: Promise<string> } | null = null;

  constructor(
    private readonly store: Queryable,
    private readonly registry: MetricRegistry,
    private readonly clock: () => Date,
    private readonly cacheMs = 60_000,
  ) {}

  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE;

  render(): Promise<string> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.cacheMs) {
      const text = this.build();
      this.cached = { at: now, text };
      text.catch(() => (this.cached = null));
    }
    return this.cached.text;
  }

  private async build(): Promise<string> {
    const to = this.clock();
    const from = new Date(to.getTime() - WINDOW_MS);
    const prom = new Registry();
    const k = this.registry.minGroupSize;
    for (const def of this.registry.list()) {
      const groups = LABEL_GROUPS.filter((g) => def.groupBy.includes(g));
      const gauge = new Gauge({
        name: promName(def.name),
        help: `${def.title} (${def.unit}), last 30 days${
          def.personal
            ? `; personal: series over fewer than ${k} people are withheld (counted in ${withheldName(def.name)})`
            : ''
        }`,
        labelNames: [...groups],
        registers: [prom],
      });
      // A series over fewer than k people is left out, never exported as a number; its
      // metric's _withheld gauge says how many were, so a missing series reads as withheld.
      const withheld = def.personal
        ? new Gauge({
            name: withheldName(def.name),
            help: `Series of ${def.name} left out of this page: over fewer than ${k} people (privacy.min_group_size)`,
            registers: [prom],
          })
        : null;
      let left = 0;
      const [overall] = await this.registry.compute(this.store, def.name, { from, to });
      if (overall?.withheld) left++;
      if (overall?.value !== null && overall?.value !== undefined) gauge.set(overall.value);
      let room = MAX_SERIES_PER_METRIC - 1;
      for (const g of groups) {
        if (room <= 0) break;
        const all = await this.registry.compute(this.store, def.name, { from, to, by: g });
        left += all.filter((r) => r.group !== null && r.withheld).length;
        const rows = all
          .filter((r) => r.group !== null && r.value !== null)
          .sort((a, b) => Math.abs(b.value!) - Math.abs(a.value!))
          .slice(0, room);
        for (const r of rows) gauge.set({ [g]: r.group! }, r.value!);
        room -= rows.length;
      }
      withheld?.set(left);
    }
    return prom.metrics();
  }
}
