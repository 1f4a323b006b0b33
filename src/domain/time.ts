import { z } from 'zod';

/**
 * Instants are stored as UTC `timestamp` columns (no zone) in both engines: the one type
 * DuckDB and PostgreSQL read and write identically. This is the single place a JS value
 * becomes that storage form.
 */
export function toSqlInstant(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** ISO-8601 date, optional time (T or space), optional zone: year, month, day, h, m, s, zone, zone h, zone m. */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-](\d{2}):?(\d{2}))?$/i;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Why the fields of an ISO-8601 match name no real date or time, or null when they do.
 * JavaScript rolls impossible fields over (2026-02-30 becomes March 2, 24:00 the next day):
 * a typo would be stored as another day, so each field is checked against the calendar.
 */
function fieldProblem(m: RegExpExecArray): string | null {
  const n = (i: number) => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second] = [n(1), n(2), n(3), n(4), n(5), n(6)];
  if (month < 1 || month > 12) return `month ${m[2]} does not exist (01-12)`;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS[month - 1]!;
  if (day < 1 || day > days) return `${m[1]}-${m[2]} has no day ${m[3]} (it has ${days})`;
  if (hour > 23 || minute > 59 || second > 59)
    return `${m[4]}:${m[5]}${m[6] ? `:${m[6]}` : ''} is not a time of day (00:00:00-23:59:59)`;
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59))
    return `the zone offset ${m[7]} does not exist`;
  return null;
}

/** Why a string is no real calendar instant although it has the ISO-8601 shape (e.g. 2026-02-30). */
export function calendarProblem(s: string): string | null {
  const m = ISO.exec(s.trim());
  return m ? fieldProblem(m) : null;
}

/** Parses an ISO-8601 instant; a value without a zone is taken as UTC. Returns null when invalid. */
export function parseInstant(v: string | Date | number): Date | null {
  if (v instanceof Date) return storable(v);
  if (typeof v === 'number') return Number.isFinite(v) ? storable(new Date(v)) : null;
  const s = v.trim();
  const m = ISO.exec(s);
  if (!m || fieldProblem(m)) return null;
  const d = new Date(m[7] ? s : m[4] === undefined ? `${s}T00:00:00Z` : `${s.replace(' ', 'T')}Z`);
  return storable(d);
}

/**
 * Years 1..9999 (UTC) only: what both engines store and every ISO-8601 reader reads back.
 * PostgreSQL has no year 0 and DuckDB refuses the far ends of JavaScript's range.
 */
export const INSTANT_RANGE = {
  min: new Date('0001-01-01T00:00:00Z'),
  max: new Date('9999-12-31T23:59:59.999Z'),
};

/** `d`, or the earliest storable instant when it is earlier (a previous window near year 1). */
export function notBeforeYear1(d: Date): Date {
  return d < INSTANT_RANGE.min ? INSTANT_RANGE.min : d;
}

function storable(d: Date): Date | null {
  const t = d.getTime();
  return t >= INSTANT_RANGE.min.getTime() && t <= INSTANT_RANGE.max.getTime() ? d : null;
}

/** A value that reads as a date, only outside the years an instant may have. */
function outOfRange(v: unknown): boolean {
  if (!(typeof v === 'string' || typeof v === 'number' || v instanceof Date)) return false;
  const d =
    typeof v === 'string'
      ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? `${v.trim()}T00:00:00Z` : v)
      : new Date(v);
  return !Number.isNaN(d.getTime()) && storable(d) === null;
}

/** What to tell whoever sent `v` where an instant was expected. */
export function instantError(v: unknown): string {
  const why =
    (typeof v === 'string' ? calendarProblem(v) : null) ??
    (outOfRange(v) ? 'years 0001 to 9999 (UTC) only' : null);
  return `expected an ISO-8601 instant such as 2024-05-01T12:00:00Z, got ${JSON.stringify(v)}${why ? `: ${why}` : ''}`;
}

/**
 * zod type for an instant: accepts ISO strings (any offset), Dates and epoch millis; yields a Date.
 * One custom check rather than a union: a union builds an issue for every failed branch, and
 * instants are the most frequent field of every record (measured 2x faster validation).
 */
export const instant = z
  .custom<string | Date | number>((v) => v !== null && v !== undefined, { message: 'required' })
  .transform((v, ctx) => {
    if (!(typeof v === 'string' || typeof v === 'number' || v instanceof Date)) {
      ctx.addIssue({ code: 'custom', message: instantError(v) });
      return z.NEVER;
    }
    const d = parseInstant(v);
    if (!d) {
      ctx.addIssue({ code: 'custom', message: instantError(v) });
      return z.NEVER;
    }
    return d;
  });
