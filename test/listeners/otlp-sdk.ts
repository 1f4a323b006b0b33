import { ROOT_CONTEXT, trace, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/** The OpenTelemetry JS SDK pointed at a receiver, as an application would configure it. */
export type Protocol = 'protobuf' | 'json';

/** The SDK's ExportResult (code 0 is success). */
interface ExportResult {
  code: number;
  error?: Error;
}

/** Results of every export the SDK made: the SDK only logs failures, a test must see them. */
function recording<E extends { export(items: never, cb: (r: ExportResult) => void): void }>(exporter: E) {
  const results: ExportResult[] = [];
  const send = exporter.export.bind(exporter) as (items: unknown, cb: (r: ExportResult) => void) => void;
  (exporter as { export: unknown }).export = (items: unknown, cb: (r: ExportResult) => void) =>
    send(items, (r) => {
      results.push(r);
      cb(r);
    });
  return {
    exporter,
    results,
    failures: () => results.filter((r) => r.code !== 0).map((r) => String(r.error?.message ?? r.error)),
  };
}

export function tracerFor(baseUrl: string, token: string, protocol: Protocol, resource: Attributes) {
  const o = {
    url: `${baseUrl}/v1/traces`,
    headers: { Authorization: `Bearer ${token}` },
    compression: 'gzip' as never,
  };
  const exporter = recording(protocol === 'protobuf' ? new ProtoTraceExporter(o) : new JsonTraceExporter(o));
  const provider = new TracerProvider({
    resource: resourceFromAttributes(resource),
    // As an application batches: up to 512 spans per export.
    spanProcessors: [new BatchSpanProcessor({ exporter: exporter.exporter, maxExportBatchSize: 512 })],
  });
  const tracer = provider.getTracer('pitwall-test');
  return {
    exporter,
    provider,
    /** A span with explicit times, under `parent` when given. */
    span(
      name: string,
      start: Date,
      end: Date,
      attributes: Attributes = {},
      parent?: Span,
      status?: 'ok' | 'error',
    ): Span {
      const ctx = parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
      const s = tracer.startSpan(name, { startTime: start, attributes }, ctx);
      if (status)
        s.setStatus({ code: status === 'ok' ? SpanStatusCode.OK : SpanStatusCode.ERROR, message: status });
      s.end(end);
      return s;
    },
    async flush(): Promise<string[]> {
      await provider.forceFlush();
      return exporter.failures();
    },
  };
}

export function meterFor(
  baseUrl: string,
  token: string,
  protocol: Protocol,
  resource: Attributes,
  temporality: 'delta' | 'cumulative',
) {
  const o = {
    url: `${baseUrl}/v1/metrics`,
    headers: { Authorization: `Bearer ${token}` },
    compression: 'gzip' as never,
    temporalityPreference:
      temporality === 'delta'
        ? AggregationTemporalityPreference.DELTA
        : AggregationTemporalityPreference.CUMULATIVE,
  };
  const exporter = recording<PushMetricExporter>(
    protocol === 'protobuf' ? new ProtoMetricExporter(o) : new JsonMetricExporter(o),
  );
  const reader = new PeriodicExportingMetricReader({
    exporter: exporter.exporter,
    exportIntervalMillis: 3_600_000,
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(resource),
    readers: [reader],
    views: [
      { instrumentName: '*.exp_duration', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
    ],
  });
  return {
    exporter,
    meter: provider.getMeter('pitwall-test'),
    async flush(): Promise<string[]> {
      await reader.forceFlush();
      return exporter.failures();
    },
    shutdown: () => provider.shutdown(),
  };
}
