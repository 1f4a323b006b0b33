import type { Config } from '../config/schema.js';
import { invalidArgument } from '../errors/errors.js';
import { doraTiers, overallTier, tierOf, type DoraKey, type DoraTier } from '../metrics/dora/tiers.js';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import { statusOf } from '../metrics/registry/registry.js';
import type { MetricDefinition, MetricValue, Status } from '../metrics/registry/types.js';
import type { Queryable } from '../store/store.js';
import { notBeforeYear1 } from '../domain/time.js';

export interface ReportLine {
  metric: string;
  title: string;
  unit: string;
  group: string | null;
  value: number | null;
  previous: number | null;
  /** value − previous, when both exist. */
  change: number | null;
  /** Whether the change is an improvement, given the metric's direction. */
  trend: 'better' | 'worse' | 'flat' | 'unknown';
  target: number | null;
  status: Status;
  tier: DoraTier | null;
  /** Personal metrics: the distinct people behind the value. */
  people?: number;
  /** Why value is null on purpose (fewer people than privacy.min_group_size): shown in its place. */
  withheld?: string;
}

export interface Report {
  from: Date;
  to: Date;
  previousFrom: Date;
  by: string | null;
  lines: ReportLine[];
  /** Overall DORA tier per group (the lowest of the four keys); key '' when ungrouped. */
  doraTier: Record<string, DoraTier | null>;
}

export interface ReportRequest {
  from: Date;
  to: Date;
  by?: string | null;
  metrics?: string[];
}

/** Which DORA key each tiered metric measures. */
const DORA_KEYS: Record<string, DoraKey> = {
  'dora.deploys.days_per_week': 'deploy_days_per_week',
  'dora.lead_time.median_hours': 'lead_time_hours',
  'dora.change_failure.rate': 'change_failure_rate',
  'dora.recovery.failed_deployment_hours': 'time_to_restore_hours',
};

function trendOf(def: MetricDefinition, value: number | null, previous: number | null): ReportLine['trend'] {
  if (value === null || previous === null) return 'unknown';
  const eps = Math.max(Math.abs(previous) * 0.01, 1e-9);
  if (Math.abs(value - previous) <= eps) return 'flat';
  return value < previous === (def.direction === 'lower_is_better') ? 'better' : 'worse';
}

/** Every requested metric over the window and the window before it, with status and trend. */
export async function buildReport(
  store: Queryable,
  registry: MetricRegistry,
  config: Config,
  req: ReportRequest,
): Promise<Report> {
  if (!(req.from < req.to))
    throw invalidArgument(`from (${req.from.toISOString()}) must be before to (${req.to.toISOString()})`, {
      field: 'from',
    });
  const by = req.by ?? null;
  const defs = req.metrics?.length ? req.metrics.map((n) => registry.get(n)) : registry.list();
  if (by && !defs.some((d) => d.groupBy.includes(by))) {
    const known = [...new Set(registry.list().flatMap((d) => d.groupBy))].sort();
    throw invalidArgument(`unknown group "${by}" for --by; use one of: ${known.join(', ')}`);
  }
  const span = req.to.getTime() - req.from.getTime();
  const previousFrom = notBeforeYear1(new Date(req.from.getTime() - span));
  const tiers = doraTiers(config);
  const perMetric = await Promise.all(
    defs.map(async (def) => {
      const groupBy = by && def.groupBy.includes(by) ? by : null;
      const { current: cur, previous: prev } = await registry.computeWindows(store, def.name, {
        from: req.from,
        to: req.to,
        previousFrom,
        by: groupBy,
      });
      const prevBy = new Map(prev.map((r) => [r.group, r.value]));
      const rows: MetricValue[] = cur.length ? cur : [{ bucket: null, group: null, value: null }];
      return rows.map((r): ReportLine => {
        // A withheld previous value is null too, so no change is computed against it.
        const previous = prevBy.get(r.group) ?? null;
        const doraKey = DORA_KEYS[def.name];
        return {
          metric: def.name,
          title: def.title,
          unit: def.unit,
          group: r.group,
          value: r.value,
          previous,
          change: r.value !== null && previous !== null ? r.value - previous : null,
          trend: trendOf(def, r.value, previous),
          target: def.thresholds?.green ?? null,
          status: statusOf(r.value, def.direction, def.thresholds),
          tier: doraKey ? tierOf(doraKey, r.value, tiers) : null,
          ...(r.people === undefined ? {} : { people: r.people }),
          ...(r.withheld ? { withheld: r.withheld } : {}),
        };
      });
    }),
  );
  const lines = perMetric.flat();
  const doraTier: Record<string, DoraTier | null> = {};
  const groups = new Set(lines.filter((l) => l.metric in DORA_KEYS).map((l) => l.group ?? ''));
  for (const g of groups)
    doraTier[g] = overallTier(
      lines.filter((l) => l.metric in DORA_KEYS && (l.group ?? '') === g).map((l) => l.tier),
    );
  return { from: req.from, to: req.to, previousFrom, by, lines, doraTier };
}
