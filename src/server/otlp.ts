import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { PitwallError } from '../errors/errors.js';
import { ingest } from '../ingest/ingest.js';
import { mapMetrics } from '../listeners/otlp/metrics.js';
import { mapTraces, OtlpMappingError, type Mapped } from '../listeners/otlp/spans.js';
import {
  decodeMetrics,
  decodeTraces,
  encodeResponse,
  encodeStatus,
  OtlpDecodeError,
  RPC,
  type Encoding,
  type Signal,
} from '../listeners/otlp/wire.js';
import { requireScope, type AuthOptions } from './auth.js';
import { limitBody } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { toEnvelope } from './errors.js';

const gunzipAsync = promisify(gunzip);

/** An answer in OTLP's terms: an HTTP status and a google.rpc.Status body. */
class OtlpHttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly rpcCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The OTLP/HTTP receiver (docs/otlp.md): POST /v1/traces and /v1/metrics on the server's port,
 * protobuf or JSON, gzip or not, with an ingest-scope bearer token (an exporter's `headers`).
 * All or nothing like the ingest API: a payload that does not decode, or a span that cannot be
 * stored, is a 400 naming it and nothing is written; items the receiver only cannot map are
 * counted in partial_success, the rest written. Derived tables are fresh when it answers 200.
 */
export function otlpRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  const maxBytes = Math.round(ctx.config.server.body_limit_mb * 1024 * 1024);
  const needIngest = requireScope(ctx, auth, 'ingest');
  const route = (signal: Signal) => async (c: Context<AppEnv>) => {
    const encoding = encodingOf(c.req.header('content-type'));
    try {
      await needIngest(c, async () => undefined);
      if (!encoding)
        throw new OtlpHttpError(
          415,
          RPC.INVALID_ARGUMENT,
          `Content-Type ${JSON.stringify(c.req.header('content-type') ?? '')} is not supported: send application/x-protobuf or application/json`,
        );
      const body = await bodyOf(c, maxBytes);
      const mapped = map(signal, body, encoding);
      if (mapped.records.length) {
        await ingest(ctx.store, mapped.records);
        await ctx.enrich.ensure();
      }
      const res = encodeResponse(signal, encoding, mapped.rejected, mapped.warnings.join('; '));
      return c.body(res.body as never, 200, { 'content-type': res.contentType });
    } catch (e) {
      return errorAnswer(c, ctx, encoding ?? 'json', e);
    }
  };
  app.post('/v1/traces', limitBody(maxBytes), route('traces'));
  app.post('/v1/metrics', limitBody(maxBytes), route('metrics'));
}

function encodingOf(header: string | undefined): Encoding | null {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return null;
}

/** The body, gunzipped when it says so; the unpacked size is held to the same limit. */
async function bodyOf(c: Context<AppEnv>, maxBytes: number): Promise<Uint8Array> {
  const raw = new Uint8Array(await c.req.arrayBuffer());
  const enc = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return raw;
  if (enc !== 'gzip')
    throw new OtlpHttpError(
      415,
      RPC.INVALID_ARGUMENT,
      `Content-Encoding ${enc} is not supported: send gzip or none`,
    );
  try {
    return await gunzipAsync(raw, { maxOutputLength: maxBytes });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new PitwallError(
        'payload_too_large',
        `the gunzipped body is over ${Math.round(maxBytes / 1024)} KB: export smaller batches`,
        { limitBytes: maxBytes },
      );
    throw new OtlpHttpError(400, RPC.INVALID_ARGUMENT, `body is not valid gzip (${(e as Error).message})`);
  }
}

function map(signal: Signal, body: Uint8Array, encoding: Encoding): Mapped {
  try {
    return signal === 'traces'
      ? mapTraces(decodeTraces(body, encoding))
      : mapMetrics(decodeMetrics(body, encoding));
  } catch (e) {
    if (e instanceof OtlpDecodeError || e instanceof OtlpMappingError)
      throw new OtlpHttpError(400, RPC.INVALID_ARGUMENT, e.message);
    throw e;
  }
}

const RPC_OF: Record<number, number> = {
  400: RPC.INVALID_ARGUMENT,
  401: RPC.UNAUTHENTICATED,
  403: RPC.PERMISSION_DENIED,
};

/**
 * Errors as OTLP/HTTP wants them: a Status in the request's encoding. Pitwall's own errors keep
 * their code and message (the JSON body also carries the usual `error` envelope); 503 is
 * retryable for an exporter, 4xx are not.
 */
function errorAnswer(c: Context<AppEnv>, ctx: ServerContext, encoding: Encoding, e: unknown): Response {
  let status: ContentfulStatusCode;
  let rpc: number;
  let message: string;
  let envelope: unknown;
  if (e instanceof OtlpHttpError) {
    status = e.status;
    rpc = e.rpcCode;
    message = e.message;
    envelope = { error: { code: 'invalid_argument', message, details: null } };
  } else {
    const t = toEnvelope(e);
    status = t.status;
    message = t.body.error.message;
    rpc =
      RPC_OF[status] ??
      (status === 503 ? RPC.UNAVAILABLE : status >= 500 ? RPC.INTERNAL : RPC.INVALID_ARGUMENT);
    envelope = t.body;
    if (status >= 500) ctx.logger.error({ err: e, path: c.req.path }, 'OTLP request failed');
  }
  const res = encodeStatus(encoding, rpc, message, envelope as Record<string, unknown>);
  return c.body(res.body as never, status, { 'content-type': res.contentType });
}
