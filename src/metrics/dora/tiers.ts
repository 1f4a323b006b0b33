import type { Config, DoraTierThresholds } from '../../config/schema.js';

export type DoraTier = 'elite' | 'high' | 'medium' | 'low';

/**
 * The 2023 State of DevOps report's performance clusters, as numbers. Deployment frequency is
 * measured as deploy-days per week (Four Keys' convention): "on demand / daily" ≥ 3 days a week,
 * "between once a day and once a week" ≥ 1, "between once a week and once a month" ≥ 0.25.
 */
export const DORA_2023: DoraTierThresholds = {
  deploy_days_per_week: { elite: 3, high: 1, medium: 0.25 },
  lead_time_hours: { elite: 24, high: 24 * 7, medium: 24 * 30 },
  change_failure_rate: { elite: 0.05, high: 0.1, medium: 0.15 },
  time_to_restore_hours: { elite: 1, high: 24, medium: 24 * 7 },
};

/**
 * The 2021 report's clusters. Elite: on demand, lead time under an hour, restore under an hour,
 * 0–15% failures; high: weekly to monthly deploys, a day to a week, under a day, 16–30%;
 * medium: monthly to every six months, a month to six months, a day to a week, 16–30% (the
 * report gives high and medium the same failure band, so a rate over 30% is low).
 */
export const DORA_2021: DoraTierThresholds = {
  deploy_days_per_week: { elite: 3, high: 0.25, medium: 1 / 26 },
  lead_time_hours: { elite: 1, high: 24 * 7, medium: 24 * 182 },
  change_failure_rate: { elite: 0.15, high: 0.3, medium: 0.3 },
  time_to_restore_hours: { elite: 1, high: 24, medium: 24 * 7 },
};

export const BENCHMARKS = { '2021': DORA_2021, '2023': DORA_2023 } as const;

export function doraTiers(config: Config): DoraTierThresholds {
  return config.dora.tiers ?? BENCHMARKS[config.dora.benchmark];
}

export type DoraKey = keyof DoraTierThresholds;

/** Which tier a value falls in; deployment frequency is higher-is-better, the rest lower-is-better. */
export function tierOf(key: DoraKey, value: number | null, t: DoraTierThresholds): DoraTier | null {
  if (value === null) return null;
  const b = t[key];
  if (key === 'deploy_days_per_week')
    return value >= b.elite ? 'elite' : value >= b.high ? 'high' : value >= b.medium ? 'medium' : 'low';
  return value <= b.elite ? 'elite' : value <= b.high ? 'high' : value <= b.medium ? 'medium' : 'low';
}

const ORDER: DoraTier[] = ['low', 'medium', 'high', 'elite'];
/** An organisation is only as good as its weakest key: the overall tier is the lowest of the four. */
export function overallTier(tiers: (DoraTier | null)[]): DoraTier | null {
  const known = tiers.filter((t): t is DoraTier => t !== null);
  if (!known.length) return null;
  return known.reduce((a, b) => (ORDER.indexOf(a) <= ORDER.indexOf(b) ? a : b));
}
