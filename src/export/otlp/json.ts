import type { AttributeValue, Attributes, HrTime } from '@opentelemetry/api';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';

const nanos = ([s, ns]: HrTime) => (BigInt(s) * 1_000_000_000n + BigInt(ns)).toString();

function anyValue(v: AttributeValue | undefined): Record<string, unknown> {
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return { stringValue: String(v ?? '') };
}
const keyValues = (a: Attributes) =>
  Object.entries(a)
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([key, value]) => ({ key, value: anyValue(value) }));

/**
 * The ExportMetricsServiceRequest the exporter sends for `rm`, in OTLP/JSON (the protobuf
 * message's JSON mapping: times as decimal strings of nanoseconds): what a dry run prints, one
 * request per line, and what an OTLP/HTTP receiver also accepts as application/json.
 */
export function otlpJson(rm: ResourceMetrics): string {
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: keyValues(rm.resource.attributes) },
        scopeMetrics: rm.scopeMetrics.map((sm) => ({
          scope: { name: sm.scope.name, ...(sm.scope.version ? { version: sm.scope.version } : {}) },
          metrics: sm.metrics.map((m) => ({
            name: m.descriptor.name,
            description: m.descriptor.description,
            unit: m.descriptor.unit,
            gauge: {
              dataPoints: (
                m.dataPoints as {
                  startTime: HrTime;
                  endTime: HrTime;
                  attributes: Attributes;
                  value: number;
                }[]
              ).map((p) => ({
                attributes: keyValues(p.attributes),
                startTimeUnixNano: nanos(p.startTime),
                timeUnixNano: nanos(p.endTime),
                asDouble: p.value,
              })),
            },
          })),
        })),
      },
    ],
  });
}
