import { z } from 'zod';
import { parseInstant } from '../../domain/time.js';

export const SINCE_HELP = 'a number of days or hours back (7d, 36h) or an ISO date (2025-02-01)';

/** `7d`, `36h` back from `now`, or an ISO date or instant; null when it is neither. */
export function parseSince(since: string, now: Date): Date | null {
  const rel = /^(\d{1,4})([dh])$/.exec(since.trim());
  if (rel) return new Date(now.getTime() - Number(rel[1]) * (rel[2] === 'd' ? 86_400_000 : 3_600_000));
  return parseInstant(since);
}

/**
 * One run's options: the CLI's flags, or a scheduled job's `options:`. The endpoint may also come
 * from OTEL_EXPORTER_OTLP_METRICS_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT (target.ts); headers,
 * which carry the secrets, only from the environment.
 */
export const otlpOptions = z
  .object({
    /** OTLP/HTTP base URL (`/v1/metrics` is appended) or the full metrics URL ending in /v1/metrics. */
    endpoint: z.string().min(1).optional(),
    /** Registry names; default every metric. */
    metrics: z.array(z.string().min(1)).min(1).optional(),
    since: z
      .string()
      .refine((s) => parseSince(s, new Date()) !== null, `expected ${SINCE_HELP}`)
      .default('7d'),
    /** End of the days sent, exclusive (default now); only whole UTC days before it are sent. */
    until: z
      .string()
      .refine((s) => parseInstant(s) !== null, 'expected an ISO date or instant, e.g. 2025-03-01')
      .optional(),
    /** Data points per request: one OTLP request stays well under a receiver's body limit. */
    batch_points: z.number().int().min(1).max(100_000).default(5_000),
    timeout_ms: z.number().int().min(100).max(300_000).default(10_000),
  })
  .strict();

export type OtlpOptions = z.output<typeof otlpOptions>;
