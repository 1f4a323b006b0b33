import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import type { ExportMetricsRequest, ExportTraceRequest } from './types.js';

/**
 * The OTLP messages as the OpenTelemetry JS project generated them from the official
 * opentelemetry-proto definitions (protobufjs static code, encode and decode). Newer releases of
 * its transformer only serialize requests, by hand, so the last release that ships the generated
 * root is pinned (package.json: otlp-protobuf-root). A CommonJS module: loaded with require.
 */
interface MessageType {
  decode(bytes: Uint8Array): unknown;
  fromObject(o: Record<string, unknown>): unknown;
  encode(m: unknown): { finish(): Uint8Array };
}
const otlp = createRequire(import.meta.url)('otlp-protobuf-root/build/src/generated/root.js') as {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: Record<'ExportTraceServiceRequest' | 'ExportTraceServiceResponse', MessageType> };
        metrics: { v1: Record<'ExportMetricsServiceRequest' | 'ExportMetricsServiceResponse', MessageType> };
      };
    };
  };
};
const traceService = otlp.opentelemetry.proto.collector.trace.v1;
const metricsService = otlp.opentelemetry.proto.collector.metrics.v1;

/**
 * google.rpc.Status, the body OTLP/HTTP gives 4xx and 5xx answers. Not among the generated
 * messages: declared through protobufjs' reflection (code, message; `details` left empty).
 */
const statusType = new protobuf.Type('Status')
  .add(new protobuf.Field('code', 1, 'int32'))
  .add(new protobuf.Field('message', 2, 'string'));
new protobuf.Root().define('google.rpc').add(statusType);

export type Signal = 'traces' | 'metrics';
export type Encoding = 'protobuf' | 'json';

/** A payload that is not an OTLP export request: the message says where it went wrong. */
export class OtlpDecodeError extends Error {}

export function decodeTraces(body: Uint8Array, encoding: Encoding): ExportTraceRequest {
  return decode(traceService.ExportTraceServiceRequest, body, encoding, 'traces') as ExportTraceRequest;
}

export function decodeMetrics(body: Uint8Array, encoding: Encoding): ExportMetricsRequest {
  return decode(
    metricsService.ExportMetricsServiceRequest,
    body,
    encoding,
    'metrics',
  ) as ExportMetricsRequest;
}

function decode(type: MessageType, body: Uint8Array, encoding: Encoding, signal: Signal): unknown {
  if (encoding === 'protobuf') {
    try {
      return type.decode(body);
    } catch (e) {
      throw new OtlpDecodeError(
        `body is not an OTLP ${signal} export request in protobuf (${(e as Error).message})`,
      );
    }
  }
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (e) {
    throw new OtlpDecodeError(`body is not valid JSON (${(e as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new OtlpDecodeError(`body is not an OTLP ${signal} export request: expected a JSON object`);
  if (signal === 'traces') hexIdsToBytes(raw as Record<string, unknown>);
  else dropExemplars(raw as Record<string, unknown>);
  try {
    // fromObject takes lowerCamelCase fields, enums as integers and 64-bit integers as strings
    // or numbers, as the OTLP JSON encoding writes them; nested messages of the wrong shape throw.
    return type.fromObject(raw as Record<string, unknown>);
  } catch (e) {
    throw new OtlpDecodeError(
      `body is not an OTLP ${signal} export request in JSON (${(e as Error).message.replace(/^\.opentelemetry\.proto\.collector\.\w+\.v1\./, '')})`,
    );
  }
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const ID_BYTES = { traceId: 16, spanId: 8, parentSpanId: 8 } as const;

/**
 * OTLP JSON writes trace and span ids as hex, where protobuf's JSON mapping (and fromObject)
 * expects base64: turned into bytes here, each checked, the path named when one is wrong.
 */
function hexIdsToBytes(req: Record<string, unknown>): void {
  const each = (v: unknown, path: string, fn: (o: Record<string, unknown>, p: string) => void) => {
    if (Array.isArray(v))
      v.forEach((o, i) => {
        if (o && typeof o === 'object') fn(o as Record<string, unknown>, `${path}[${i}]`);
      });
  };
  const convert = (o: Record<string, unknown>, path: string) => {
    for (const [field, n] of Object.entries(ID_BYTES)) {
      const v = o[field];
      if (v === undefined || v === null || v === '') continue;
      if (typeof v !== 'string' || !HEX.test(v) || v.length !== n * 2)
        throw new OtlpDecodeError(
          `${path}.${field}: expected ${n * 2} hex digits (OTLP JSON writes ids as hex), got ${JSON.stringify(v).slice(0, 60)}`,
        );
      o[field] = Buffer.from(v, 'hex');
    }
  };
  each(req.resourceSpans, 'resourceSpans', (rs, p1) =>
    each(rs.scopeSpans, `${p1}.scopeSpans`, (ss, p2) =>
      each(ss.spans, `${p2}.spans`, (span, p3) => {
        convert(span, p3);
        each(span.links, `${p3}.links`, convert);
      }),
    ),
  );
}

/** Exemplars are not kept; their hex ids would only be misread as base64. */
function dropExemplars(req: Record<string, unknown>): void {
  for (const rm of arr(req.resourceMetrics))
    for (const sm of arr(rm.scopeMetrics))
      for (const m of arr(sm.metrics))
        for (const kind of ['gauge', 'sum', 'histogram', 'exponentialHistogram'])
          for (const dp of arr((m[kind] as Record<string, unknown> | undefined)?.dataPoints))
            delete dp.exemplars;
}

const arr = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object') : [];

/** The success answer: ExportTraceServiceResponse / ExportMetricsServiceResponse. */
export function encodeResponse(
  signal: Signal,
  encoding: Encoding,
  rejected: number,
  message: string,
): { body: Uint8Array | string; contentType: string } {
  const field = signal === 'traces' ? 'rejectedSpans' : 'rejectedDataPoints';
  const partial =
    rejected > 0 || message ? { partialSuccess: { [field]: rejected, errorMessage: message } } : {};
  if (encoding === 'json')
    return {
      // int64 as a string, as OTLP JSON writes it.
      body: JSON.stringify(
        rejected > 0 || message
          ? { partialSuccess: { [field]: String(rejected), errorMessage: message } }
          : {},
      ),
      contentType: 'application/json',
    };
  const type =
    signal === 'traces'
      ? traceService.ExportTraceServiceResponse
      : metricsService.ExportMetricsServiceResponse;
  return { body: type.encode(type.fromObject(partial)).finish(), contentType: 'application/x-protobuf' };
}

/** google.rpc.Status codes used here. */
export const RPC = {
  INVALID_ARGUMENT: 3,
  UNAUTHENTICATED: 16,
  PERMISSION_DENIED: 7,
  INTERNAL: 13,
  UNAVAILABLE: 14,
};

/** The Status body of an error answer, in the request's encoding. */
export function encodeStatus(
  encoding: Encoding,
  code: number,
  message: string,
  extra: Record<string, unknown> = {},
): { body: Uint8Array | string; contentType: string } {
  if (encoding === 'json')
    return {
      body: JSON.stringify({ code, message, details: [], ...extra }),
      contentType: 'application/json',
    };
  return {
    body: statusType.encode(statusType.fromObject({ code, message })).finish(),
    contentType: 'application/x-protobuf',
  };
}

/** For tests and clients: a Status body back to its fields. */
export function decodeStatus(bytes: Uint8Array): { code: number; message: string } {
  return statusType.toObject(statusType.decode(bytes), { defaults: true }) as {
    code: number;
    message: string;
  };
}

/** An export request (in the decoded shape) as protobuf bytes: what an exporter sends. */
export function encodeTraces(req: Record<string, unknown>): Uint8Array {
  const type = traceService.ExportTraceServiceRequest;
  return type.encode(type.fromObject(req)).finish();
}
