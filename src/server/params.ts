import { z } from 'zod';
import { parseInstant } from '../domain/time.js';
import { invalidArgument } from '../errors/errors.js';
import { BUCKETS } from '../metrics/registry/types.js';

const DAY = 86_400_000;

const date = z
  .string()
  .transform((s, ctx) => {
    const d = parseInstant(s);
    if (!d) {
      ctx.addIssue({
        code: 'custom',
        message: `not a date: use ISO-8601, e.g. 2024-05-01 or 2024-05-01T12:00:00Z`,
      });
      return z.NEVER;
    }
    return d;
  })
  .optional();

const name = z.string().trim().min(1).max(200);

/** Parameters every windowed query shares; any other parameter is a group-by filter. */
export const windowQuery = z.object({
  from: date,
  to: date,
  bucket: z.enum(BUCKETS as [string, ...string[]]).optional(),
  by: name.optional(),
  group: name.optional(),
  team: name.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});
export type WindowQuery = z.output<typeof windowQuery>;

const RESERVED = new Set(['from', 'to', 'bucket', 'by', 'group', 'limit']);

/** [from, to): defaults to the 30 days before now; `from` must come first. */
export function windowOf(q: WindowQuery, now: Date): { from: Date; to: Date } {
  const to = q.to ?? now;
  const from = q.from ?? new Date(to.getTime() - 30 * DAY);
  if (!(from < to))
    throw invalidArgument(`from (${from.toISOString()}) must be before to (${to.toISOString()})`, {
      field: 'from',
    });
  return { from, to };
}

/** Every non-reserved query parameter is a filter on a group-by column (team=, repo=, ...). */
export function filtersOf(raw: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (RESERVED.has(k)) continue;
    if (!/^[a-z_]+$/.test(k)) throw invalidArgument(`unknown query parameter "${k}"`, { field: k });
    out[k] = v;
  }
  return out;
}
