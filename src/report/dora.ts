import type { Config } from '../config/schema.js';
import { BENCHMARKS, overallTier, tierOf, type DoraKey, type DoraTier } from '../metrics/dora/tiers.js';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { Queryable } from '../store/store.js';

/** The four keys (plus rework and MTTR) and the tier each earns under both benchmark years. */
export const DORA_KEYS: { metric: string; key: DoraKey | null }[] = [
  { metric: 'dora.deploys.days_per_week', key: 'deploy_days_per_week' },
  { metric: 'dora.lead_time.median_hours', key: 'lead_time_hours' },
  { metric: 'dora.lead_time.p90_hours', key: null },
  { metric: 'dora.change_failure.rate', key: 'change_failure_rate' },
  { metric: 'dora.recovery.failed_deployment_hours', key: 'time_to_restore_hours' },
  { metric: 'dora.restore.median_hours', key: null },
  { metric: 'dora.rework.rate', key: null },
  { metric: 'dora.deploys.count', key: null },
];

export interface DoraRow {
  group: string | null;
  metric: string;
  value: number | null;
  tier2021: DoraTier | null;
  tier2023: DoraTier | null;
}

export interface DoraSummary {
  from: Date;
  to: Date;
  by: string | null;
  rows: DoraRow[];
  /** Per group ('' when ungrouped): the weakest key's tier under each benchmark. */
  overall: Record<string, { tier2021: DoraTier | null; tier2023: DoraTier | null }>;
  /** Your configured tiers, when they replace the benchmarks. */
  custom: boolean;
}

export async function doraSummary(
  store: Queryable,
  registry: MetricRegistry,
  config: Config,
  req: { from: Date; to: Date; by?: string | null },
): Promise<DoraSummary> {
  const by = req.by ?? null;
  const results = await Promise.all(
    DORA_KEYS.map(async ({ metric, key }) => {
      const values = await registry.compute(store, metric, { from: req.from, to: req.to, by });
      return (values.length ? values : [{ group: null, value: null }]).map((v) => ({
        group: v.group,
        metric,
        value: v.value,
        tier2021: key ? tierOf(key, v.value, config.dora.tiers ?? BENCHMARKS['2021']) : null,
        tier2023: key ? tierOf(key, v.value, config.dora.tiers ?? BENCHMARKS['2023']) : null,
      }));
    }),
  );
  const rows = results.flat();
  const overall: DoraSummary['overall'] = {};
  for (const g of new Set(rows.map((r) => r.group ?? ''))) {
    const mine = rows.filter(
      (r) => (r.group ?? '') === g && DORA_KEYS.find((k) => k.metric === r.metric)?.key,
    );
    overall[g] = {
      tier2021: overallTier(mine.map((r) => r.tier2021)),
      tier2023: overallTier(mine.map((r) => r.tier2023)),
    };
  }
  return { from: req.from, to: req.to, by, rows, overall, custom: Boolean(config.dora.tiers) };
}
