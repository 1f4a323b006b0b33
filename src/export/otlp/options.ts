import { z } from 'zod';
import { parseInstant } from '../../domain/time.js';
import { exportWindowOptions } from '../window-options.js';

/**
 * One run's options: the CLI's flags, or a scheduled job's `options:`. The endpoint may also come
 * from OTEL_EXPORTER_OTLP_METRICS_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT (target.ts); headers,
 * which carry the secrets, only from the environment.
 */
export const otlpOptions = z
  .object({
    /** OTLP/HTTP base URL (`/v1/metrics` is appended) or the full metrics URL ending in /v1/metrics. */
    endpoint: z.string().min(1).optional(),
    ...exportWindowOptions,
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
