import { calendarProblem, parseInstant } from '../../domain/time.js';
import { invalidArgument } from '../../errors/errors.js';
import type { Window } from './types.js';

const DAY = 86_400_000;
export const DEFAULT_WINDOW_DAYS = 28;

export const windowOf = (from: Date, to: Date): Window => ({
  from,
  to,
  days: (to.getTime() - from.getTime()) / DAY,
});

function instantOf(flag: string, value: string): Date {
  const d = parseInstant(value.trim());
  if (!d)
    throw invalidArgument(
      `${flag}: ${JSON.stringify(value)} is not a date${calendarProblem(value) ? ` (${calendarProblem(value)})` : ''}: use ISO-8601, e.g. 2024-05-01 or 2024-05-01T12:00:00Z`,
      { field: flag.replace(/^--/, '') },
    );
  return d;
}

/** `A..B`: the window [A, B). `flag` names the option or parameter in the error. */
export function parseRange(flag: string, text: string): Window {
  const parts = text.split('..');
  if (parts.length !== 2 || !parts[0]!.trim() || !parts[1]!.trim())
    throw invalidArgument(
      `${flag} ${JSON.stringify(text)} is not a window: write START..END, e.g. 2024-04-01..2024-04-29 (END excluded)`,
      { field: flag.replace(/^--/, '') },
    );
  const from = instantOf(flag, parts[0]!);
  const to = instantOf(flag, parts[1]!);
  if (!(from < to))
    throw invalidArgument(`${flag} ${text} is empty: its start must come before its end (END is excluded)`, {
      field: flag.replace(/^--/, ''),
    });
  return windowOf(from, to);
}

/** Two windows given by hand: the before window must end by the time the after window starts. */
export function explicitWindows(
  before: Window,
  after: Window,
  names = { before: '--before', after: '--after' },
): { before: Window; after: Window } {
  if (after.to <= before.from)
    throw invalidArgument(
      `${names.before} must come first: it starts ${before.from.toISOString()}, after ${names.after} ends (${after.to.toISOString()}); swap them`,
      { field: names.before.replace(/^--/, '') },
    );
  if (before.to > after.from)
    throw invalidArgument(
      `${names.before} and ${names.after} overlap: ${names.before} ends ${before.to.toISOString()}, after ${names.after} starts (${after.from.toISOString()}); end the before window where the after window starts, or earlier`,
      { field: names.after.replace(/^--/, '') },
    );
  return { before, after };
}

/**
 * Equal windows of `days` on each side of a change at `at`: [at − L, at) and [at, at + L).
 * When the after window would reach past `now`, both shrink to what has happened since, so
 * they stay equal and events per week are not diluted by days that have not come yet.
 */
export function windowsAround(
  at: Date,
  days: number,
  now: Date,
): { before: Window; after: Window; shortened: boolean } {
  if (!(days > 0) || !Number.isFinite(days))
    throw invalidArgument(`--days ${days}: give a positive number of days for each window, e.g. 28`, {
      field: 'days',
    });
  const wanted = days * DAY;
  const since = now.getTime() - at.getTime();
  if (since < DAY)
    throw invalidArgument(
      `the annotation is at ${at.toISOString()}, less than a day before now: there is nothing to compare after it yet (wait, or give --before and --after)`,
      { field: 'annotation' },
    );
  const length = Math.min(wanted, since);
  return {
    before: windowOf(new Date(at.getTime() - length), at),
    after: windowOf(at, new Date(at.getTime() + length)),
    shortened: length < wanted,
  };
}
