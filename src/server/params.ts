import { z } from 'zod';
import { calendarProblem, parseInstant } from '../domain/time.js';
import { textProblem } from '../domain/storable.js';
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
        message: `not a date${calendarProblem(s) ? ` (${calendarProblem(s)})` : ''}: use ISO-8601, e.g. 2024-05-01 or 2024-05-01T12:00:00Z`,
      });
      return z.NEVER;
    }
    return d;
  })
  .optional();

// A value no column can hold (NUL, a lone surrogate) is refused alike on both engines.
const name = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .superRefine((s, ctx) => {
    const problem = textProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

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

/** What bounds a server read's window: the data's own span and the widest window allowed. */
export interface WindowLimits {
  /** The earliest and (just after) the latest instant stored; null for an empty store. */
  span: { start: Date; end: Date } | null;
  maxDays: number;
}

/**
 * [from, to): defaults to the 30 days before now; `from` must come first. With limits, the
 * window is cut to the data's span (never before now at its end, so weeks without data up to
 * today still count), and what is left may be at most `maxDays` long.
 */
export function windowOf(q: WindowQuery, now: Date, limits?: WindowLimits): { from: Date; to: Date } {
  const to = q.to ?? now;
  const from = q.from ?? new Date(to.getTime() - 30 * DAY);
  if (!(from < to))
    throw invalidArgument(`from (${from.toISOString()}) must be before to (${to.toISOString()})`, {
      field: 'from',
    });
  if (!limits) return { from, to };
  let window = { from, to };
  if (limits.span) {
    const end = Math.max(limits.span.end.getTime(), now.getTime());
    const cut = {
      from: new Date(Math.max(from.getTime(), limits.span.start.getTime())),
      to: new Date(Math.min(to.getTime(), end)),
    };
    // A window wholly outside the data keeps its own bounds (and its limit).
    if (cut.from < cut.to) window = cut;
  }
  const days = (window.to.getTime() - window.from.getTime()) / DAY;
  if (days > limits.maxDays)
    throw invalidArgument(
      `the window ${window.from.toISOString()} to ${window.to.toISOString()} (cut to the stored data) spans ${Math.ceil(days)} days, more than server.max_window_days (${limits.maxDays}): ask for a narrower window or raise server.max_window_days`,
      { field: 'from', setting: 'server.max_window_days', max_window_days: limits.maxDays },
    );
  return window;
}

/** Every non-reserved query parameter is a filter on a group-by column (team=, repo=, ...). */
export function filtersOf(raw: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (RESERVED.has(k)) continue;
    if (!/^[a-z_]+$/.test(k)) throw invalidArgument(`unknown query parameter "${k}"`, { field: k });
    const problem = textProblem(v);
    if (problem) throw invalidArgument(`query parameter ${k}: ${problem}`, { field: k });
    out[k] = v;
  }
  return out;
}
