import { Cron } from 'croner';
import { z } from 'zod';
import { configSection } from '../config/sections.js';

function validCron(s: string): boolean {
  try {
    new Cron(s, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

/** Days of raw rows kept; older whole days are rolled up into daily_rollups, then pruned. null: kept forever. */
const rawDays = z.number().int().min(1).max(36_500).nullable().default(null);

/**
 * The `retention:` section of pitwall.yaml: how long each high-volume table keeps its raw rows.
 * Off for every table by default (pruning is the operator's decision). The rollups are kept forever.
 */
export const retentionSection = z
  .object({
    metric_points: rawDays,
    metric_sketches: rawDays,
    spans: rawDays,
    commands: rawDays,
    /** When `pitwall serve` applies it (cron, UTC): daily by default. */
    schedule: z
      .string()
      .min(1)
      .refine(validCron, 'expected a cron expression, e.g. "17 3 * * *" (03:17 UTC daily)')
      .default('17 3 * * *'),
  })
  .strict()
  .prefault({});
export type RetentionConfig = z.output<typeof retentionSection>;

export const retentionSettings = configSection('retention', retentionSection);

declare module '../config/schema.js' {
  interface PluginSections {
    retention: RetentionConfig;
  }
}
