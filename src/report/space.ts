import { withheldReason } from '../metrics/registry/privacy.js';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { Direction, MetricValue, Status } from '../metrics/registry/types.js';
import type { Queryable } from '../store/store.js';
import { activeDevelopers, adoptionOf } from './space-adoption.js';
import { SPACE_DIMENSIONS, type SpaceConfig, type SpaceDimension } from './space-config.js';
import {
  FALLBACK_DIRECTION,
  NPS_BREAKDOWN,
  SPACE_ITEMS,
  dimensionConstruct,
  type SpaceItem,
} from './space-items.js';
import { attainment, lightOf, mean, round2, scoreLight, scoreOf } from './space-score.js';

/**
 * The SPACE deep dive (the seed's platform page 2) and the executive SPACE health panel: five
 * dimensions, each measure against its target with a light, a 1–5 score per dimension and
 * overall, against the dimension's target and the quarter before the window. docs/space.md
 * says how each score is made.
 */

const DAY = 86_400_000;
/** "Last quarter": the 91 days just before the window starts. */
export const QUARTER_DAYS = 91;

export const DIMENSION_TITLES: Record<SpaceDimension, string> = {
  satisfaction: 'Satisfaction',
  performance: 'Performance',
  activity: 'Activity',
  communication: 'Communication & collaboration',
  efficiency: 'Efficiency & flow',
};

export interface SpaceMeasure {
  id: string;
  metric: string;
  title: string;
  unit: string | null;
  direction: Direction;
  value: number | null;
  target: number | null;
  /** value vs target (>= 1: at or better than target); null without a value or a target. */
  attainment: number | null;
  /** 1–5, see docs/space.md; null when not scored. */
  score: number | null;
  status: Status;
  /** Same measure over the previous quarter. */
  previous: number | null;
  people?: number;
  withheld?: string;
  /** Why there is no value when it is not withheld: the metric is not loaded, no team breakdown. */
  note?: string;
  informational: boolean;
}

export interface SpaceAdoption {
  id: string;
  title: string;
  metric: string;
  users: number | null;
  developers: number;
  share: number | null;
  target: number;
  score: number | null;
  status: Status;
  previous: number | null;
  withheld?: string;
  /** Why there is no share when it is not withheld (no points of the metric at all). */
  note?: string;
}

export interface SpaceSurveyScore {
  metric: string;
  value: number | null;
  people?: number;
  withheld?: string;
}

export interface SpaceDimensionReport {
  dimension: SpaceDimension;
  title: string;
  /** 1–5, or null when nothing in the dimension has data. */
  score: number | null;
  /** survey: the dimension's own survey construct; metrics: the mean of its measures' scores. */
  basis: 'survey' | 'metrics' | null;
  target: number;
  status: Status;
  previous: number | null;
  /** The survey construct of this dimension, when the registry has it. */
  survey: SpaceSurveyScore | null;
  /** Mean of the measures' scores, whichever basis the score uses. */
  metricsScore: number | null;
  measures: SpaceMeasure[];
  /** Activity only: platform adoption measures. */
  adoption?: SpaceAdoption[];
}

export interface SpaceDriver {
  theme: string;
  /** Distinct developers who mentioned it; null when withheld. */
  people: number | null;
  withheld: string | null;
  /** The line to show, e.g. "Slow CI builds: mentioned by 18 developers". */
  summary: string;
}

/**
 * From the feedback report (src/report/feedback.ts): the top drivers of (dis)satisfaction in
 * comments and feedback, and friction reports by category against the window before.
 */
export interface SpaceDrivers {
  satisfaction: SpaceDriver[];
  dissatisfaction: SpaceDriver[];
  friction: { category: string; reports: number | null; previous: number | null; withheld: string | null }[];
}

export interface SpaceShare {
  value: number | null;
  people?: number;
  withheld?: string;
}

export interface SpaceReport {
  from: Date;
  to: Date;
  team: string | null;
  previousWindow: { from: Date; to: Date };
  overall: { score: number | null; target: number; status: Status; previous: number | null };
  dimensions: SpaceDimensionReport[];
  satisfaction: {
    breakdown: { promoters: SpaceShare; passives: SpaceShare; detractors: SpaceShare };
    /** Monthly NPS from the previous quarter to the window's end. */
    trend: { bucket: Date; value: number | null; withheld?: string }[];
    drivers: SpaceDrivers | null;
    /** Why drivers are missing when they are. */
    driversNote?: string;
  };
  activity: {
    /** Active developers in the window (the denominator of the averages and shares). */
    developers: number | null;
    withheld?: string;
  };
}

export interface SpaceRequest {
  from: Date;
  to: Date;
  team?: string | null;
  /** The feedback report's top drivers (src/report/feedback.ts), when it is wired in. */
  drivers?: (w: { from: Date; to: Date; team: string | null }) => Promise<SpaceDrivers | null>;
}

interface Window {
  from: Date;
  to: Date;
  team: string | null;
}

/** The registry lacks `has`; metrics of other areas may not be loaded yet (survey constructs, friction). */
const has = (registry: MetricRegistry, name: string) => registry.list().some((d) => d.name === name);

const first = (rows: MetricValue[]): MetricValue | null =>
  rows.find((r) => r.group === null) ?? rows[0] ?? null;

/** One registry value over the window, filtered by team when asked and when the metric can be. */
async function valueOf(
  store: Queryable,
  registry: MetricRegistry,
  metric: string,
  w: Window,
): Promise<{ value: number | null; people?: number; withheld?: string; note?: string }> {
  if (!has(registry, metric)) return { value: null, note: `${metric} is not in the registry` };
  const def = registry.get(metric);
  if (w.team !== null && !def.groupBy.includes('team'))
    return { value: null, note: `${metric} has no team breakdown` };
  const v = first(
    await registry.compute(store, metric, {
      from: w.from,
      to: w.to,
      ...(w.team !== null ? { where: { team: w.team } } : {}),
    }),
  );
  if (!v) return { value: null };
  return {
    value: v.value,
    ...(v.people !== undefined ? { people: v.people } : {}),
    ...(v.withheld ? { withheld: v.withheld } : {}),
  };
}

const targetOf = (item: SpaceItem, registry: MetricRegistry, config: SpaceConfig): number | null =>
  config.targets[item.id] ??
  item.target ??
  (has(registry, item.metric) ? (registry.get(item.metric).thresholds?.green ?? null) : null);

const directionOf = (metric: string, registry: MetricRegistry): Direction =>
  has(registry, metric) ? registry.get(metric).direction : (FALLBACK_DIRECTION[metric] ?? 'higher_is_better');

async function measure(
  store: Queryable,
  registry: MetricRegistry,
  config: SpaceConfig,
  item: SpaceItem,
  w: Window,
): Promise<SpaceMeasure> {
  const got = await valueOf(store, registry, item.metric, w);
  const direction = directionOf(item.metric, registry);
  const target = item.informational ? null : targetOf(item, registry, config);
  const r = got.value === null || target === null ? null : attainment(got.value, target, direction);
  return {
    id: item.id,
    metric: item.metric,
    title: item.title,
    unit: has(registry, item.metric) ? registry.get(item.metric).unit : null,
    direction,
    value: got.value,
    target,
    // Capped so JSON can carry it (a lower-is-better value of 0 attains infinitely).
    attainment: r === null ? null : Math.min(r, 10),
    score: r === null ? null : round2(scoreOf(r)),
    status: lightOf(r),
    previous: null,
    ...(got.people !== undefined ? { people: got.people } : {}),
    ...(got.withheld ? { withheld: got.withheld } : {}),
    ...(got.note ? { note: got.note } : {}),
    informational: item.informational ?? false,
  };
}

interface Scored {
  dimensions: SpaceDimensionReport[];
  developers: number;
}

/** Every dimension over one window: what the report shows for the window and its previous quarter. */
async function scoreWindow(
  store: Queryable,
  registry: MetricRegistry,
  config: SpaceConfig,
  w: Window,
): Promise<Scored> {
  const developers = await activeDevelopers(store, w);
  const dimensions = await Promise.all(
    SPACE_DIMENSIONS.map(async (dimension): Promise<SpaceDimensionReport> => {
      const measures = await Promise.all(
        SPACE_ITEMS.filter((i) => i.dimension === dimension).map((i) =>
          measure(store, registry, config, i, w),
        ),
      );
      const adoption =
        dimension === 'activity'
          ? await Promise.all(
              config.adoption.map(async (item): Promise<SpaceAdoption> => {
                const a = await adoptionOf(store, item, w, developers, registry.minGroupSize);
                const target = config.targets[item.id] ?? item.target;
                const r = a.share === null ? null : attainment(a.share, target, 'higher_is_better');
                return {
                  id: item.id,
                  title: item.title,
                  metric: item.metric,
                  users: a.users,
                  developers: a.developers,
                  share: a.share,
                  target,
                  score: r === null ? null : round2(scoreOf(r)),
                  status: lightOf(r),
                  previous: null,
                  ...(a.withheld ? { withheld: a.withheld } : {}),
                  ...(a.note ? { note: a.note } : {}),
                };
              }),
            )
          : undefined;
      const subScores = [...measures.map((m) => m.score), ...(adoption ?? []).map((a) => a.score)].filter(
        (s): s is number => s !== null,
      );
      const metricsScore = round2(mean(subScores));
      const construct = dimensionConstruct(dimension);
      const survey = has(registry, construct)
        ? { metric: construct, ...(await valueOf(store, registry, construct, w)) }
        : null;
      delete survey?.note;
      const surveyScore = survey?.value ?? null;
      const score = surveyScore !== null ? round2(surveyScore) : metricsScore;
      const target = config.score_targets[dimension];
      return {
        dimension,
        title: DIMENSION_TITLES[dimension],
        score,
        basis: surveyScore !== null ? 'survey' : metricsScore !== null ? 'metrics' : null,
        target,
        status: scoreLight(score, target),
        previous: null,
        survey,
        metricsScore,
        measures,
        ...(adoption ? { adoption } : {}),
      };
    }),
  );
  return { dimensions, developers: developers.size };
}

const overallOf = (dims: SpaceDimensionReport[]) =>
  round2(mean(dims.map((d) => d.score).filter((s): s is number => s !== null)));

const shareOf = async (store: Queryable, registry: MetricRegistry, metric: string, w: Window) => {
  const v = await valueOf(store, registry, metric, w);
  delete v.note;
  return v;
};

export async function spaceReport(
  store: Queryable,
  registry: MetricRegistry,
  config: SpaceConfig,
  req: SpaceRequest,
): Promise<SpaceReport> {
  const team = req.team ?? null;
  const w: Window = { from: req.from, to: req.to, team };
  const prev: Window = { from: new Date(req.from.getTime() - QUARTER_DAYS * DAY), to: req.from, team };
  const [now, before] = await Promise.all([
    scoreWindow(store, registry, config, w),
    scoreWindow(store, registry, config, prev),
  ]);
  for (const [i, d] of now.dimensions.entries()) {
    const p = before.dimensions[i]!;
    d.previous = p.score;
    d.measures.forEach((m, j) => (m.previous = p.measures[j]!.value));
    d.adoption?.forEach((a, j) => (a.previous = p.adoption![j]!.share));
  }
  const overallTarget = round2(mean(SPACE_DIMENSIONS.map((d) => config.score_targets[d])))!;
  const overall = overallOf(now.dimensions);
  const [promoters, passives, detractors] = await Promise.all(
    [NPS_BREAKDOWN.promoters, NPS_BREAKDOWN.passives, NPS_BREAKDOWN.detractors].map((m) =>
      shareOf(store, registry, m, w),
    ),
  );
  const trend = has(registry, 'dx.survey.nps')
    ? (
        await registry.compute(store, 'dx.survey.nps', {
          from: prev.from,
          to: w.to,
          bucket: 'month',
          ...(team !== null ? { where: { team } } : {}),
        })
      ).map((r) => ({ bucket: r.bucket!, value: r.value, ...(r.withheld ? { withheld: r.withheld } : {}) }))
    : [];
  const drivers = req.drivers ? await req.drivers(w) : null;
  const devWithheld = withheldReason(now.developers, registry.minGroupSize);
  return {
    from: req.from,
    to: req.to,
    team,
    previousWindow: { from: prev.from, to: prev.to },
    overall: {
      score: overall,
      target: overallTarget,
      status: scoreLight(overall, overallTarget),
      previous: overallOf(before.dimensions),
    },
    dimensions: now.dimensions,
    satisfaction: {
      breakdown: { promoters: promoters!, passives: passives!, detractors: detractors! },
      trend,
      drivers,
      ...(drivers
        ? {}
        : {
            driversNote: req.drivers
              ? 'No themes reached the minimum group size in this window.'
              : 'Top drivers come from the feedback report, which is not loaded.',
          }),
    },
    activity: devWithheld ? { developers: null, withheld: devWithheld } : { developers: now.developers },
  };
}
