import type { Config } from '../config/schema.js';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import { statusOf } from '../metrics/registry/registry.js';
import type { MetricDefinition, Status } from '../metrics/registry/types.js';
import type { Queryable } from '../store/store.js';
import { buildReport, type ReportLine } from './build.js';
import { CHANGE_TEST, type ChangePoint } from './change-detect.js';
import { forecastMetric, type Forecast } from './forecast.js';
import {
  allChanges,
  inWindow,
  readChangeLog,
  readSeries,
  tieOf,
  type SeriesChange,
  type TiedChange,
} from './insights-changes.js';
import { shiftText, targetText } from './insights-text.js';
import { BREAKDOWN_WEIGHT, weightOf } from './insights-weights.js';

/** Never more than this many items in a list: the seed's first failure mode was fifteen. */
export const MAX_ITEMS = 5;
/** A shift smaller than this share of its baseline is not news, however significant. */
export const MIN_RELATIVE_CHANGE = 0.1;
/** A relative move counts at most this much toward impact (a count going 1 → 6 is not 500% news). */
const MAX_SIZE = 1;
/** A standing target breach ranks below a fresh shift of the same size: it is not new. */
const STANDING_BREACH = 0.5;
/** The executive trend charts: their next quarter comes with the insights. */
export const TREND_METRICS = [
  'dora.deploys.days_per_week',
  'dora.lead_time.median_hours',
  'dx.survey.nps',
  'dora.change_failure.rate',
] as const;

export interface Insight {
  metric: string;
  title: string;
  /** The headline, with the numbers: "CI run duration (p50) up 20% in the past 2 weeks: 12.1 → 14.5 minutes". */
  message: string;
  /** What to do (the metric's own action). */
  action: string;
  /** The level now (after the change) and before it; for a target item, the window and the one before. */
  value: number | null;
  previous: number | null;
  status: Status;
  /** Why it is listed: a shift in the metric's own history, or its target (breached, or newly met). */
  kind: 'shift' | 'target';
  /** One value of a watched breakdown (a CI job, a provisioning phase), or null for the whole. */
  group: { by: string; value: string } | null;
  /** The reasoning behind the item, in one paragraph. */
  why: string;
  change: {
    at: Date;
    before: { from: Date; to: Date; days: number; median: number };
    after: { from: Date; to: Date; days: number; median: number };
    absolute: number;
    relative: number | null;
    pValue: number;
    test: string;
  } | null;
  /**
   * size × weight: what the list is sorted by, news first: shifts and fresh target items rank
   * above standing breaches, which only fill the places left.
   */
  impact: { score: number; size: number; weight: number; weightWhy: string; fresh: boolean };
  /** The recorded change (annotation or deployment) near the detected start, when there is one. */
  tiedTo: TiedChange | null;
  /** Other series that moved with the same recorded change, folded into this item. */
  related: {
    metric: string;
    title: string;
    group: { by: string; value: string } | null;
    relative: number | null;
  }[];
}

export interface Insights {
  from: Date;
  to: Date;
  team: string | null;
  /** At most five: what got worse (shifts and target breaches), biggest impact first. */
  attention: Insight[];
  /** At most five: what got better (shifts and targets newly met), biggest impact first. */
  wins: Insight[];
  /** How the items were found, for the page's "about" and the docs. */
  method: { test: string; minRelativeChange: number; maxItems: number; seriesChecked: number };
  /** The next quarter of each executive trend metric, with its prediction interval. */
  forecasts: Forecast[];
}

const better = (def: MetricDefinition, delta: number) =>
  delta !== 0 && delta < 0 === (def.direction === 'lower_is_better');

const changeOf = (c: ChangePoint): NonNullable<Insight['change']> => ({
  at: new Date(c.at),
  before: {
    from: new Date(c.before.from),
    to: new Date(c.before.to),
    days: c.before.n,
    median: c.before.median,
  },
  after: { from: new Date(c.after.from), to: new Date(c.after.to), days: c.after.n, median: c.after.median },
  absolute: c.absolute,
  relative: c.relative,
  pValue: c.pValue,
  test: c.test,
});

function shiftInsight(sc: SeriesChange, tie: TiedChange | null, to: Date, line?: ReportLine): Insight {
  const { def, group } = sc.series;
  const c = sc.change;
  const w = weightOf(def.name);
  const weight = w.weight * (group ? BREAKDOWN_WEIGHT : 1);
  const size = Math.min(MAX_SIZE, Math.abs(c.relative ?? 0));
  const text = shiftText(def, group, c, to, tie, line);
  const status = group ? statusOf(c.after.median, def.direction, def.thresholds) : (line?.status ?? 'none');
  return {
    metric: def.name,
    title: def.title,
    message: text.message,
    action: def.action,
    value: c.after.median,
    previous: c.before.median,
    status,
    kind: 'shift',
    group,
    why: `${text.why} Weight ${weight}: ${w.why}.`,
    change: changeOf(c),
    impact: { score: size * weight, size, weight, weightWhy: w.why, fresh: true },
    tiedTo: tie,
    related: [],
  };
}

function targetInsight(
  def: MetricDefinition,
  l: ReportLine,
  fresh: boolean,
  cause: { sc: SeriesChange; tie: TiedChange | null } | null,
): Insight {
  const w = weightOf(def.name);
  const green = def.thresholds?.green ?? null;
  const gapOf = (v: number | null) =>
    v === null || green === null ? 0 : Math.abs(v - green) / Math.max(Math.abs(green), 1e-9);
  // A breach: how far off target now. A target newly met: how far off it was.
  const size = Math.min(MAX_SIZE, l.status === 'green' ? gapOf(l.previous) : gapOf(l.value));
  const factor = fresh ? 1 : STANDING_BREACH;
  const text = targetText(def, l, fresh, cause?.sc.change ?? null, cause?.tie ?? null);
  return {
    metric: def.name,
    title: def.title,
    message: text.message,
    action: def.action,
    value: l.value,
    previous: l.previous,
    status: l.status,
    kind: 'target',
    group: null,
    why: `${text.why} Weight ${w.weight}: ${w.why}.`,
    change: cause ? changeOf(cause.sc.change) : null,
    impact: { score: size * w.weight * factor, size, weight: w.weight, weightWhy: w.why, fresh },
    tiedTo: cause?.tie ?? null,
    related: [],
  };
}

/**
 * Biggest impact first; items tied to the same recorded change fold into the first (the cache
 * speeds up every CI duration metric at once: one win, naming the others), as do shifts of one
 * metric's breakdowns and of metrics of one area starting the same day; then the first five.
 */
function rank(items: Insight[]): Insight[] {
  const sorted = [...items].sort(
    (a, b) =>
      Number(b.impact.fresh) - Number(a.impact.fresh) ||
      b.impact.score - a.impact.score ||
      a.metric.localeCompare(b.metric),
  );
  const kept: Insight[] = [];
  const keyOf = (i: Insight) =>
    i.tiedTo
      ? `${i.tiedTo.kind}:${i.tiedTo.id}`
      : i.change
        ? `${i.metric.split('.').slice(0, 2).join('.')}@${i.change.at.getTime()}`
        : `target:${i.metric}`;
  const byKey = new Map<string, Insight>();
  for (const i of sorted) {
    const k = keyOf(i);
    const host = byKey.get(k);
    if (host) {
      host.related.push({
        metric: i.metric,
        title: i.title,
        group: i.group,
        relative: i.change?.relative ?? null,
      });
      continue;
    }
    // One metric appears once per list: its strongest series (whole or one job) speaks for it.
    const same = kept.find((x) => x.metric === i.metric && x.kind === i.kind);
    if (same) {
      same.related.push({
        metric: i.metric,
        title: i.title,
        group: i.group,
        relative: i.change?.relative ?? null,
      });
      continue;
    }
    byKey.set(k, i);
    kept.push(i);
  }
  return kept.slice(0, MAX_ITEMS);
}

/** Attention and wins over a window, for the whole organisation or one team. */
export async function buildInsights(
  store: Queryable,
  registry: MetricRegistry,
  config: Config,
  req: { from: Date; to: Date; team?: string | null },
): Promise<Insights> {
  const team = req.team ?? null;
  const defs = team ? registry.list().filter((d) => d.groupBy.includes('team')) : registry.list();
  const [report, series, log, forecasts] = await Promise.all([
    buildReport(store, registry, config, {
      from: req.from,
      to: req.to,
      by: team ? 'team' : null,
      metrics: defs.map((d) => d.name),
    }),
    readSeries(store, registry, defs, { from: req.from, to: req.to, team }),
    readChangeLog(store, { ...req, productionEnvironments: config.dora.production_environments }),
    Promise.all(TREND_METRICS.map((metric) => forecastMetric(store, registry, { metric, to: req.to, team }))),
  ]);
  const lines = new Map(
    report.lines.filter((l) => (team ? l.group === team : l.group === null)).map((l) => [l.metric, l]),
  );
  const attention: Insight[] = [];
  const wins: Insight[] = [];
  const shifted = new Set<string>();
  const changes = allChanges(series);
  for (const sc of inWindow(changes, req.from, req.to)) {
    const c = sc.change;
    if (c.relative === null || Math.abs(c.relative) < MIN_RELATIVE_CHANGE) continue;
    const insight = shiftInsight(sc, tieOf(sc, log, team), req.to, lines.get(sc.series.def.name));
    (better(sc.series.def, c.absolute) ? wins : attention).push(insight);
    if (!sc.series.group) shifted.add(`${sc.series.def.name}:${better(sc.series.def, c.absolute)}`);
  }
  // A target crossed between the previous window and this one: the shift that crossed it (over
  // both windows), when one was detected, names its cause.
  const span = req.to.getTime() - req.from.getTime();
  const causeOf = (def: MetricDefinition, improved: boolean) => {
    const sc = inWindow(changes, new Date(req.from.getTime() - span), req.to)
      .filter(
        (c) =>
          c.series.def.name === def.name && !c.series.group && better(def, c.change.absolute) === improved,
      )
      .sort((a, b) => Math.abs(b.change.relative ?? 0) - Math.abs(a.change.relative ?? 0))[0];
    return sc ? { sc, tie: tieOf(sc, log, team) } : null;
  };
  for (const l of lines.values()) {
    const def = registry.get(l.metric);
    if (!def.thresholds || l.value === null) continue;
    const was = statusOf(l.previous, def.direction, def.thresholds);
    if (l.status === 'red' && !shifted.has(`${def.name}:false`)) {
      const fresh = l.previous !== null && was === 'green';
      attention.push(targetInsight(def, l, fresh, fresh ? causeOf(def, false) : null));
    }
    if (l.status === 'green' && l.previous !== null && was !== 'green' && !shifted.has(`${def.name}:true`))
      wins.push(targetInsight(def, l, true, causeOf(def, true)));
  }
  return {
    from: req.from,
    to: req.to,
    team,
    attention: rank(attention),
    wins: rank(wins),
    method: {
      test: CHANGE_TEST,
      minRelativeChange: MIN_RELATIVE_CHANGE,
      maxItems: MAX_ITEMS,
      seriesChecked: series.filter((s) => s.daily.length).length,
    },
    forecasts,
  };
}
