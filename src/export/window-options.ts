import { z } from 'zod';
import { parseInstant } from '../domain/time.js';

/** What `since` accepts, for messages and help. */
export const SINCE_HELP = 'a number of days or hours back (7d, 36h) or an ISO date (2025-02-01)';

/** `7d`, `36h` back from `now`, or an ISO date or instant; null when it is neither. */
export function parseSince(since: string, now: Date): Date | null {
  const rel = /^(\d{1,4})([dh])$/.exec(since.trim());
  if (rel) return new Date(now.getTime() - Number(rel[1]) * (rel[2] === 'd' ? 86_400_000 : 3_600_000));
  return parseInstant(since);
}

/** The options every metrics exporter takes: which registry metrics, from when. */
export const exportWindowOptions = {
  /** Registry names; default every metric. */
  metrics: z.array(z.string().min(1)).min(1).optional(),
  since: z
    .string()
    .refine((s) => parseSince(s, new Date()) !== null, `expected ${SINCE_HELP}`)
    .default('7d'),
};
