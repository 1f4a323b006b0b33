import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { PitwallError, invalidArgument } from '../errors/errors.js';
import { decodeUtf8, InvalidUtf8 } from '../ingest/utf8.js';
import { fromZod } from './errors.js';

/** Bodies above the limit are refused with 413 before they are read whole. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new PitwallError(
        'payload_too_large',
        `request body is over ${Math.round(maxBytes / 1024)} KB: send smaller batches (e.g. 1,000 records)`,
        { limitBytes: maxBytes },
      );
    },
  });
}

/** The JSON body, validated: bad JSON and bad fields are 400 invalid_argument naming the field. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let raw: unknown;
  const text = await utf8Body(c);
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch (e) {
    throw invalidArgument(`request body is not valid JSON: ${(e as Error).message}`, { field: 'body' });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw fromZod('body', parsed.error);
  return parsed.data;
}

/** The body as text; bytes that are not UTF-8 are a 400 naming the offset, never replaced. */
export async function utf8Body(c: Context): Promise<string> {
  try {
    return decodeUtf8(new Uint8Array(await c.req.arrayBuffer()));
  } catch (e) {
    if (!(e instanceof InvalidUtf8)) throw e;
    throw invalidArgument(
      `request body is not valid UTF-8 (byte offset ${e.offset}): send it encoded as UTF-8`,
      {
        field: 'body',
        offset: e.offset,
      },
    );
  }
}

/** Query parameters, validated the same way. */
export function queryOf<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw fromZod('query', parsed.error);
  return parsed.data;
}
