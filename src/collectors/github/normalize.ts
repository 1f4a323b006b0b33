import { parseInstant } from '../../domain/time.js';

/** Conclusions the warehouse knows; GitHub adds new ones over time and some servers upper-case them. */
const KNOWN = new Set([
  'success',
  'failure',
  'cancelled',
  'skipped',
  'timed_out',
  'neutral',
  'action_required',
  'stale',
]);
export type Conclusion =
  'success' | 'failure' | 'cancelled' | 'skipped' | 'timed_out' | 'neutral' | 'action_required' | 'stale';

/**
 * `startup_failure` (a workflow file that does not parse) is a failure the developer must fix;
 * an empty string or an unknown value means "not concluded", never a guess.
 */
export function conclusionOf(raw: string | null | undefined): Conclusion | null {
  const c = (raw ?? '').trim().toLowerCase();
  if (c === 'startup_failure') return 'failure';
  return KNOWN.has(c) ? (c as Conclusion) : null;
}

export function statusOf(raw: string | null | undefined): string {
  return (raw ?? '').trim().toLowerCase() || 'completed';
}

/** Any ISO-8601 offset (step times come as +09:00 beside Z job times) to a UTC instant. */
export function at(raw: string | null | undefined): Date | null {
  return raw ? parseInstant(raw) : null;
}

export function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

export function earliest(ds: readonly (Date | null)[]): Date | null {
  let min: Date | null = null;
  for (const d of ds) if (d && (!min || d < min)) min = d;
  return min;
}

export function latest(ds: readonly (Date | null)[]): Date | null {
  let max: Date | null = null;
  for (const d of ds) if (d && (!max || d > max)) max = d;
  return max;
}

/** Case-insensitive regular expressions; an invalid one is reported by the config check, not here. */
export function anyMatch(patterns: readonly string[]): (s: string) => boolean {
  const res = patterns.map((p) => new RegExp(p, 'i'));
  return (s) => res.some((re) => re.test(s));
}
