import { z } from 'zod';
import { configSection } from '../../config/sections.js';

/**
 * The `experiments:` section of pitwall.yaml: how experiment results are judged. An experiment
 * may set its own alpha; these are the defaults and the rules every result follows.
 */
export const experimentsSection = z
  .object({
    /** Significance level: a difference with p < alpha is significant. */
    alpha: z.number().gt(0).lt(0.5).default(0.05),
    /** Power the sample must reach to detect the hypothesised effect, else a warning. */
    power: z.number().gt(0.5).lt(1).default(0.8),
    /** Events per arm below which a result is flagged as too small to read. */
    min_sample: z.number().int().min(2).default(30),
    /** Bootstrap resamples of the median difference (durations). */
    resamples: z.number().int().min(200).max(20_000).default(2000),
    /** Bootstrap seed: the same seed and data give the same intervals. */
    seed: z.number().int().min(0).default(1),
  })
  .strict()
  .prefault({});
export type ExperimentsConfig = z.output<typeof experimentsSection>;

export const experimentsSettings = configSection('experiments', experimentsSection);

declare module '../../config/schema.js' {
  interface PluginSections {
    experiments: ExperimentsConfig;
  }
}
