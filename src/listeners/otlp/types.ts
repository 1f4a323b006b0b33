/**
 * The decoded OTLP messages as the generated protobufjs code gives them (camelCase fields, null
 * or absent when unset, 64-bit integers as Long or number, bytes as Uint8Array). Only the
 * fields the mapping reads are declared.
 */

/** A 64-bit integer as protobufjs hands it: a Long (it has toString), a number, or a string. */
export type Int64 = number | string | { toString(): string } | null | undefined;

export interface AnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64;
  doubleValue?: number | null;
  arrayValue?: { values?: AnyValue[] | null } | null;
  kvlistValue?: { values?: KeyValue[] | null } | null;
  bytesValue?: Uint8Array | null;
}

export interface KeyValue {
  key?: string | null;
  value?: AnyValue | null;
}

export interface Resource {
  attributes?: KeyValue[] | null;
}

export interface Span {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  parentSpanId?: Uint8Array | null;
  name?: string | null;
  kind?: number | null;
  startTimeUnixNano?: Int64;
  endTimeUnixNano?: Int64;
  attributes?: KeyValue[] | null;
  status?: { code?: number | null; message?: string | null } | null;
}

export interface ExportTraceRequest {
  resourceSpans?:
    | {
        resource?: Resource | null;
        scopeSpans?: { spans?: Span[] | null }[] | null;
      }[]
    | null;
}

export interface NumberDataPoint {
  attributes?: KeyValue[] | null;
  timeUnixNano?: Int64;
  asDouble?: number | null;
  asInt?: Int64;
  flags?: number | null;
}

export interface HistogramDataPoint {
  attributes?: KeyValue[] | null;
  timeUnixNano?: Int64;
  count?: Int64;
  sum?: number | null;
  bucketCounts?: Int64[] | null;
  explicitBounds?: number[] | null;
  min?: number | null;
  max?: number | null;
  flags?: number | null;
}

export interface Buckets {
  offset?: number | null;
  bucketCounts?: Int64[] | null;
}

export interface ExponentialHistogramDataPoint {
  attributes?: KeyValue[] | null;
  timeUnixNano?: Int64;
  count?: Int64;
  sum?: number | null;
  scale?: number | null;
  zeroCount?: Int64;
  positive?: Buckets | null;
  negative?: Buckets | null;
  min?: number | null;
  max?: number | null;
  flags?: number | null;
}

export interface SummaryDataPoint {
  attributes?: KeyValue[] | null;
  timeUnixNano?: Int64;
  count?: Int64;
  sum?: number | null;
  quantileValues?: { quantile?: number | null; value?: number | null }[] | null;
  flags?: number | null;
}

/** AggregationTemporality: 1 delta, 2 cumulative (0 unspecified). */
export interface Metric {
  name?: string | null;
  gauge?: { dataPoints?: NumberDataPoint[] | null } | null;
  sum?: {
    dataPoints?: NumberDataPoint[] | null;
    aggregationTemporality?: number | null;
    isMonotonic?: boolean | null;
  } | null;
  histogram?: { dataPoints?: HistogramDataPoint[] | null; aggregationTemporality?: number | null } | null;
  exponentialHistogram?: {
    dataPoints?: ExponentialHistogramDataPoint[] | null;
    aggregationTemporality?: number | null;
  } | null;
  summary?: { dataPoints?: SummaryDataPoint[] | null } | null;
}

export interface ExportMetricsRequest {
  resourceMetrics?:
    | {
        resource?: Resource | null;
        scopeMetrics?: { metrics?: Metric[] | null }[] | null;
      }[]
    | null;
}
