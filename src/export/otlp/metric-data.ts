import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type GaugeMetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { MetricSeriesSet } from '../metric-series.js';

/** The registry's units in UCUM, as OpenTelemetry names units; the rest as an annotation. */
const UCUM: Record<string, string> = {
  hours: 'h',
  minutes: 'min',
  seconds: 's',
  milliseconds: 'ms',
  days: 'd',
  ratio: '1',
  '%': '%',
};
export const otlpUnit = (unit: string) => UCUM[unit] ?? `{${unit.replace(/[{}]/g, '')}}`;

const hr = (d: Date): HrTime => [Math.floor(d.getTime() / 1000), (d.getTime() % 1000) * 1_000_000];

export interface Point {
  metric: string;
  attributes: Attributes;
  timestamp: Date;
  value: number;
}

/** Every point of a set: the overall series without attributes, a group's with `{by: value}`. */
export function pointsOf(set: MetricSeriesSet): Point[] {
  return set.series.flatMap((s) =>
    s.points.map((p) => ({
      metric: s.metric,
      attributes: s.group ? { [s.group.by]: s.group.value } : {},
      timestamp: p.timestamp,
      value: p.value,
    })),
  );
}

/**
 * Points as the SDK's ResourceMetrics, what an OTLP exporter's `export()` serializes: one gauge
 * per registry metric, each data point stamped with its day (start and time both the UTC day
 * start), so the request carries the historical days as they are rather than the collection
 * time a meter would stamp. Counts are gauges too: the per-day count as a value, because a
 * re-sent delta sum would be added twice by most backends, while a gauge at the same timestamp
 * is the same sample again.
 */
export function resourceMetrics(
  resource: Resource,
  sets: ReadonlyMap<string, MetricSeriesSet>,
  points: readonly Point[],
  scope: { name: string; version?: string },
): ResourceMetrics {
  const byMetric = new Map<string, Point[]>();
  for (const p of points) {
    let list = byMetric.get(p.metric);
    if (!list) byMetric.set(p.metric, (list = []));
    list.push(p);
  }
  const metrics: GaugeMetricData[] = [...byMetric].map(([name, pts]) => {
    const set = sets.get(name)!;
    const def = set.definition;
    return {
      descriptor: {
        name,
        description: `${def.title}${set.kind === 'count' ? ' (count per UTC day)' : ' (per UTC day)'}`,
        unit: otlpUnit(def.unit),
        valueType: ValueType.DOUBLE,
      },
      dataPointType: DataPointType.GAUGE,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPoints: pts.map((p) => ({
        startTime: hr(p.timestamp),
        endTime: hr(p.timestamp),
        attributes: p.attributes,
        value: p.value,
      })),
    };
  });
  return { resource, scopeMetrics: [{ scope, metrics }] };
}
