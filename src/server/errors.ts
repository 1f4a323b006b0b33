import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { PitwallError, type ErrorCode } from '../errors/errors.js';

/** The one place an error becomes an HTTP status: errors themselves know nothing of HTTP. */
const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_argument: 400,
  invalid_records: 400,
  invalid_config: 500,
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  payload_too_large: 413,
  uri_too_long: 414,
  request_header_too_large: 431,
  request_timeout: 408,
  method_not_allowed: 405,
  shutting_down: 503,
  query_timeout: 503,
  // Nobody reads this answer (the caller is gone); 503 keeps it out of the 4xx statistics.
  query_cancelled: 503,
  store_locked: 503,
  store_unavailable: 503,
  collector_failed: 502,
  tests_failed: 500,
  internal: 500,
};

export interface ErrorEnvelope {
  error: { code: string; message: string; details: unknown };
}

/** A zod failure names the field (query parameter or body path) and the reason. */
export function fromZod(where: string, error: z.ZodError): PitwallError {
  const issues = error.issues.map((i) => ({ field: i.path.join('.') || where, reason: i.message }));
  const first = issues[0]!;
  return new PitwallError('invalid_argument', `${where} ${first.field}: ${first.reason}`, { issues });
}

export function toEnvelope(e: unknown): { status: ContentfulStatusCode; body: ErrorEnvelope } {
  if (e instanceof z.ZodError) return toEnvelope(fromZod('request', e));
  if (e instanceof PitwallError)
    return {
      status: STATUS[e.code],
      body: { error: { code: e.code, message: e.message, details: e.details ?? null } },
    };
  // Anything else is our bug: say so without leaking internals to the caller.
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'internal error (see the server log)', details: null } },
  };
}

export function errorResponse(c: Context, e: unknown): Response {
  const { status, body } = toEnvelope(e);
  return c.json(body, status);
}
