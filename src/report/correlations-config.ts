import { z } from 'zod';
import { configSection } from '../config/sections.js';
import { metricNames } from '../metrics/definitions/index.js';
import { CORRELATION_BUCKETS, CORRELATION_DEFAULTS, type CorrelationBucket } from './correlations.js';

/**
 * The metrics the precomputed "strongest relations" table pairs up: the seed's question (does
 * NPS move with lead time?) across satisfaction, review, delivery and CI speed, and stability.
 * Every one groups by team.
 */
export const DEFAULT_CORRELATION_METRICS = [
  'dx.survey.nps',
  'dx.survey.satisfaction',
  'github.prs.time_to_first_review_hours',
  'github.prs.cycle_time_hours',
  'ci.runs.duration_p50_minutes',
  'dora.change_failure.rate',
  'dora.restore.median_hours',
  'dora.deploys.days_per_week',
] as const;

const known = new Set(metricNames());
const metric = z
  .string()
  .min(1)
  .refine((s) => known.has(s), {
    error: (i) => `unknown metric "${String(i.input)}": see pitwall metrics list`,
  });

/**
 * The `correlations:` section of pitwall.yaml. `pairs` (each [x, y]) names the pairs of the
 * strongest table; without it, every pair of `metrics` is computed.
 */
export const correlationsSection = z
  .object({
    metrics: z
      .array(metric)
      .min(2)
      .default([...DEFAULT_CORRELATION_METRICS]),
    pairs: z
      .array(z.tuple([metric, metric]).refine(([a, b]) => a !== b, 'a pair needs two different metrics'))
      .min(1)
      .nullable()
      .default(null),
    bucket: z
      .enum(CORRELATION_BUCKETS as [CorrelationBucket, ...CorrelationBucket[]])
      .default(CORRELATION_DEFAULTS.bucket),
    /** The table covers this many days up to now. */
    window_days: z.number().int().min(14).max(3650).default(CORRELATION_DEFAULTS.windowDays),
    min_n: z.number().int().min(3).default(CORRELATION_DEFAULTS.minN),
    alpha: z.number().gt(0).lt(0.5).default(CORRELATION_DEFAULTS.alpha),
    /** The server recomputes the table after this long (and serves the last one meanwhile). */
    refresh_minutes: z.number().int().min(1).max(10_080).default(60),
  })
  .strict()
  .prefault({});
export type CorrelationsConfig = z.output<typeof correlationsSection>;

export const correlationsSettings = configSection('correlations', correlationsSection);

declare module '../config/schema.js' {
  interface PluginSections {
    correlations: CorrelationsConfig;
  }
}
