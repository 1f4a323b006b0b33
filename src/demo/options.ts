import { invalidArgument } from '../errors/errors.js';

export interface DemoOptions {
  /** Human developers (bots come on top). */
  developers: number;
  /** Length of the window, in UTC days, ending at `end`. */
  days: number;
  seed: number;
  /** Exclusive end of the window: a UTC midnight. */
  end: Date;
}

export const DEMO_LIMITS = { developers: 5_000, days: 3_650 } as const;
const DAY_MS = 86_400_000;

/** Start of the current UTC day: the default end, so a demo ends "today" but is stable all day. */
export function startOfUtcDay(d: Date): Date {
  return new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
}

/** Fills defaults and rejects values no demo can honour, naming the option and the fix. */
export function resolveDemoOptions(input: Partial<DemoOptions> = {}): DemoOptions {
  const o: DemoOptions = {
    developers: input.developers ?? 50,
    days: input.days ?? 90,
    seed: input.seed ?? 42,
    end: startOfUtcDay(input.end ?? new Date()),
  };
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max)
      throw invalidArgument(`--${name} ${v} is out of range: use a whole number from ${min} to ${max}`);
  };
  int('developers', o.developers, 2, DEMO_LIMITS.developers);
  int('days', o.days, 1, DEMO_LIMITS.days);
  int('seed', o.seed, 0, 2 ** 31 - 1);
  if (Number.isNaN(o.end.getTime())) throw invalidArgument('--end is not a date: use e.g. 2024-05-01');
  return o;
}

export const DAY = DAY_MS;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;
