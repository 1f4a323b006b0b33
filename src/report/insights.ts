import type { Config } from '../config/schema.js';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { Status } from '../metrics/registry/types.js';
import type { Queryable } from '../store/store.js';
import { buildReport, type ReportLine } from './build.js';
import { formatNumber } from './format.js';

const formatValue = (v: number | null, unit: string) =>
  unit === 'ratio' || v === null ? formatNumber(v, unit) : `${formatNumber(v, unit)} ${unit}`;

export interface Insight {
  metric: string;
  title: string;
  message: string;
  action: string;
  value: number | null;
  previous: number | null;
  status: Status;
}

export interface Insights {
  from: Date;
  to: Date;
  team: string | null;
  /** Red, or yellow and worse than the previous window: what to look at first. */
  attention: Insight[];
  /** Green and better than the previous window: what to keep doing. */
  wins: Insight[];
}

function insightOf(registry: MetricRegistry, l: ReportLine): Insight {
  const def = registry.get(l.metric);
  const was = l.previous === null ? '' : ` (was ${formatValue(l.previous, l.unit)})`;
  return {
    metric: l.metric,
    title: l.title,
    message: `${l.title} is ${formatValue(l.value, l.unit)}${was}, target ${formatValue(l.target, l.unit)}`,
    action: def.action,
    value: l.value,
    previous: l.previous,
    status: l.status,
  };
}

/** Biggest relative moves first: a metric that doubled matters more than one that moved 2%. */
const moved = (l: ReportLine) =>
  l.value === null || l.previous === null
    ? 0
    : Math.abs(l.value - l.previous) / Math.max(Math.abs(l.previous), 1e-9);

/** Attention and wins over a window, for the whole organisation or one team. */
export async function buildInsights(
  store: Queryable,
  registry: MetricRegistry,
  config: Config,
  req: { from: Date; to: Date; team?: string | null },
): Promise<Insights> {
  const team = req.team ?? null;
  const metrics = team
    ? registry
        .list()
        .filter((d) => d.groupBy.includes('team'))
        .map((d) => d.name)
    : undefined;
  const report = await buildReport(store, registry, config, {
    from: req.from,
    to: req.to,
    by: team ? 'team' : null,
    metrics,
  });
  const lines = report.lines.filter((l) => (team ? l.group === team : l.group === null));
  const attention = lines
    .filter((l) => l.status === 'red' || (l.status === 'yellow' && l.trend === 'worse'))
    .sort((a, b) => (a.status === b.status ? moved(b) - moved(a) : a.status === 'red' ? -1 : 1));
  const wins = lines
    .filter((l) => l.status === 'green' && l.trend === 'better')
    .sort((a, b) => moved(b) - moved(a));
  return {
    from: req.from,
    to: req.to,
    team,
    attention: attention.map((l) => insightOf(registry, l)),
    wins: wins.map((l) => insightOf(registry, l)),
  };
}
