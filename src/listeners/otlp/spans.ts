import type { RecordInput } from '../../domain/records.js';
import { cicdRecords } from './cicd.js';
import { KEY_KEYS, TEAM_KEYS, repoOf } from './identity.js';
import type { ExportTraceRequest } from './types.js';
import { attributes, hexId, instantOf, pick, type Attributes } from './values.js';

/** One decoded span with what the mapping needs next to it. */
export interface SpanView {
  /** The stored span id: trace id and span id, since OTLP span ids are unique only in a trace. */
  id: string;
  parentId: string | null;
  traceId: string;
  spanId: string;
  name: string;
  startedAt: string;
  endedAt: string | null;
  status: 'ok' | 'error' | 'unset';
  statusMessage: string | null;
  own: Attributes;
  resource: Attributes;
  /** Lookups: the span's own attributes before its resource's. */
  maps: readonly [Attributes, Attributes];
}

export interface Mapped {
  records: RecordInput[];
  /** Items the receiver could not map (counted in partial_success). */
  rejected: number;
  /** Said back to the exporter in partial_success.error_message (nothing is rejected for these). */
  warnings: string[];
}

/** A well-formed request that is still wrong (a span without a start): nothing is written. */
export class OtlpMappingError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const STATUS = ['unset', 'ok', 'error'] as const;

export function spanViews(req: ExportTraceRequest): SpanView[] {
  const out: SpanView[] = [];
  (req.resourceSpans ?? []).forEach((rs, i) => {
    const resource = attributes(rs.resource?.attributes);
    (rs.scopeSpans ?? []).forEach((ss, j) => {
      (ss.spans ?? []).forEach((s, k) => {
        const path = `resourceSpans[${i}].scopeSpans[${j}].spans[${k}]`;
        const traceId = hexId(s.traceId);
        const spanId = hexId(s.spanId);
        if (!traceId || traceId.length !== 32)
          throw new OtlpMappingError('traceId must be 16 bytes, not all zero', path);
        if (!spanId || spanId.length !== 16)
          throw new OtlpMappingError('spanId must be 8 bytes, not all zero', path);
        const parent = hexId(s.parentSpanId);
        if (parent !== null && parent.length !== 16)
          throw new OtlpMappingError('parentSpanId must be 8 bytes (or empty for a root span)', path);
        const name = (s.name ?? '').trim();
        if (!name) throw new OtlpMappingError('name is empty: every span needs a name', path);
        const startedAt = instantOf(s.startTimeUnixNano);
        if (!startedAt) throw new OtlpMappingError('startTimeUnixNano is missing or zero', path);
        const endedAt = instantOf(s.endTimeUnixNano);
        if (endedAt && endedAt < startedAt)
          throw new OtlpMappingError(`ends (${endedAt}) before it starts (${startedAt})`, path);
        const own = attributes(s.attributes);
        const code = s.status?.code ?? 0;
        out.push({
          id: `${traceId}-${spanId}`,
          parentId: parent ? `${traceId}-${parent}` : null,
          traceId,
          spanId,
          name,
          startedAt,
          endedAt,
          status: STATUS[code] ?? 'unset',
          statusMessage: s.status?.message?.trim() || null,
          own,
          resource,
          maps: [own, resource],
        });
      });
    });
  });
  return out;
}

/** Every span as a `span` record, plus the CI/CD pipeline runs and jobs among them. */
export function mapTraces(req: ExportTraceRequest): Mapped {
  const views = spanViews(req);
  const records: RecordInput[] = views.map((v) => spanRecord(v));
  const ci = cicdRecords(views);
  return { records: [...records, ...ci.records], rejected: 0, warnings: ci.warnings };
}

function spanRecord(v: SpanView): RecordInput<'span'> {
  const service = v.resource['service.name'];
  return {
    kind: 'span',
    span_id: v.id,
    parent_id: v.parentId,
    name: v.name,
    key: pick(v.maps, KEY_KEYS),
    repo: repoOf(v.maps),
    team: pick(v.maps, TEAM_KEYS),
    started_at: v.startedAt,
    ended_at: v.endedAt,
    status: v.status,
    failure_category: pick(v.maps, ['error.type']),
    attributes: {
      ...v.own,
      ...(service !== undefined && !('service.name' in v.own) ? { 'service.name': service } : {}),
      'otel.trace_id': v.traceId,
      ...(v.statusMessage ? { 'otel.status_message': v.statusMessage } : {}),
    },
  };
}
