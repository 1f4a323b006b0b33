import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { v1, v2 } from '@datadog/datadog-api-client';

/**
 * A Datadog-compatible API on 127.0.0.1 for the exporter's tests: it answers the endpoints
 * Pitwall uses, checks the API key, and validates every body with the official client's own
 * generated models (a field the model does not know, a missing required field or a value of
 * the wrong type is a 400, as the real intake refuses it). Series points are kept as Datadog
 * keeps them: one value per (metric, tags, timestamp), a later write replacing an earlier one.
 */

type Serializer = { deserialize(data: unknown, type: string, format?: string): unknown };

/** Problems of a deserialized model: unknown fields, unparsed values, missing required ones. */
export function modelProblems(value: unknown, path = '$'): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => modelProblems(v, `${path}[${i}]`));
  const o = value as Record<string, unknown> & { _unparsed?: boolean; additionalProperties?: object };
  const ctor = (o.constructor ?? {}) as {
    attributeTypeMap?: Record<string, { baseName: string; required?: boolean }>;
  };
  const out: string[] = [];
  if (o.constructor?.name === 'UnparsedObject' || o._unparsed)
    out.push(`${path}: a value the model does not accept`);
  if (o.additionalProperties && Object.keys(o.additionalProperties).length)
    out.push(`${path}: unknown field(s) ${Object.keys(o.additionalProperties).join(', ')}`);
  const map = ctor.attributeTypeMap;
  if (map)
    for (const [attr, info] of Object.entries(map))
      if (info.required && o[attr] === undefined) out.push(`${path}.${info.baseName}: required`);
  for (const [k, v] of Object.entries(o))
    if (k !== 'additionalProperties') out.push(...modelProblems(v, `${path}.${k}`));
  return out;
}

/** Validates JSON against a model by name with one of the client's serializers; throws naming the problems. */
export function validateModel(serializer: Serializer, json: unknown, type: string): unknown {
  const model = serializer.deserialize(json, type, '');
  const problems = modelProblems(model);
  if (problems.length) throw new Error(`${type}: ${problems.join('; ')}`);
  return model;
}

export const validateSeriesPayload = (json: unknown) =>
  validateModel(v2.ObjectSerializer, json, 'MetricPayload') as v2.MetricPayload;

export interface ReceivedRequest {
  method: string;
  path: string;
  status: number;
  compressedBytes: number;
  bytes: number;
  body: unknown;
}

export interface FakeDatadog {
  url: string;
  apiKey: string;
  requests: ReceivedRequest[];
  /** (metric|tags|timestamp) -> value: what Datadog would hold. */
  points: Map<string, { metric: string; tags: string[]; timestamp: number; value: number; writes: number }>;
  /** Statuses answered to the next series posts, before accepting again (429s, 5xx). */
  faults: number[];
  monitors: Map<number, Record<string, unknown>>;
  close(): Promise<void>;
}

const seriesKey = (metric: string, tags: readonly string[], ts: number) =>
  `${metric}|${[...tags].sort().join(',')}|${ts}`;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeDatadog(apiKey = 'test-api-key-123'): Promise<FakeDatadog> {
  const state: Omit<FakeDatadog, 'url' | 'close'> = {
    apiKey,
    requests: [],
    points: new Map(),
    faults: [],
    monitors: new Map(),
  };
  let nextMonitor = 1000;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const path = (req.url ?? '/').split('?')[0]!;
      const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      const record = (status: number, bytes: number, body: unknown) =>
        state.requests.push({
          method: req.method ?? '',
          path,
          status,
          compressedBytes: raw.length,
          bytes,
          body,
        });
      if (req.headers['dd-api-key'] !== apiKey) {
        record(403, raw.length, null);
        return answer(403, { errors: ['Forbidden'] });
      }
      if (req.method === 'GET' && path === '/api/v1/validate') return answer(200, { valid: true });
      if (req.method === 'POST' && path === '/api/v2/series') {
        const fault = state.faults.shift();
        if (fault) {
          record(fault, raw.length, null);
          return answer(fault, { errors: ['injected'] }, fault === 429 ? { 'x-ratelimit-reset': '0' } : {});
        }
        let text: Buffer = raw;
        if (req.headers['content-encoding'] === 'gzip') text = gunzipSync(raw);
        else if (req.headers['content-encoding']) return answer(415, { errors: ['unsupported encoding'] });
        if (raw.length > 512_000 || text.length > 5_242_880) {
          record(413, text.length, null);
          return answer(413, { errors: ['Payload too large'] });
        }
        let json: unknown;
        try {
          json = JSON.parse(text.toString('utf8'));
          const payload = validateSeriesPayload(json);
          for (const s of payload.series)
            for (const p of s.points) {
              if (p.timestamp === undefined || p.value === undefined)
                throw new Error('a point without timestamp or value');
              const k = seriesKey(s.metric, s.tags ?? [], p.timestamp);
              const prev = state.points.get(k);
              state.points.set(k, {
                metric: s.metric,
                tags: [...(s.tags ?? [])].sort(),
                timestamp: p.timestamp,
                value: p.value,
                writes: (prev?.writes ?? 0) + 1,
              });
            }
        } catch (e) {
          record(400, text.length, json ?? null);
          return answer(400, { errors: [(e as Error).message] });
        }
        record(202, text.length, json);
        return answer(202, { errors: [] });
      }
      if (path.startsWith('/api/v1/monitor')) {
        if (req.headers['dd-application-key'] === undefined)
          return answer(403, { errors: ['Forbidden: application key'] });
        const id = /^\/api\/v1\/monitor\/(\d+)$/.exec(path)?.[1];
        if (req.method === 'GET' && path === '/api/v1/monitor')
          return answer(200, [...state.monitors.values()]);
        let json: unknown;
        try {
          json = JSON.parse(raw.toString('utf8'));
          validateModel(v1.ObjectSerializer, json, req.method === 'PUT' ? 'MonitorUpdateRequest' : 'Monitor');
        } catch (e) {
          record(400, raw.length, json ?? null);
          return answer(400, { errors: [(e as Error).message] });
        }
        record(200, raw.length, json);
        if (req.method === 'POST' && path === '/api/v1/monitor') {
          const m = { ...(json as object), id: nextMonitor++ } as Record<string, unknown>;
          state.monitors.set(m.id as number, m);
          return answer(200, m);
        }
        if (req.method === 'PUT' && id && state.monitors.has(Number(id))) {
          const m = { ...state.monitors.get(Number(id)), ...(json as object), id: Number(id) };
          state.monitors.set(Number(id), m);
          return answer(200, m);
        }
        return answer(404, { errors: ['Monitor not found'] });
      }
      return answer(404, { errors: [`no route ${req.method} ${path}`] });
    })().catch((e) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    ...state,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
  } as FakeDatadog;
}
