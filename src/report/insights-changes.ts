import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { MetricDefinition } from '../metrics/registry/types.js';
import { notBeforeYear1 } from '../domain/time.js';
import type { Queryable } from '../store/store.js';
import { detectChanges, DETECT_DEFAULTS, type ChangePoint, type DailyValue } from './change-detect.js';

const DAY = 86_400_000;

/**
 * Breakdowns watched beside the whole: a slowdown of one CI job of six, or of one
 * provisioning phase, moves the organisation's median too little to see.
 */
export const WATCHED_BREAKDOWNS = ['job', 'phase'] as const;

export interface Series {
  def: MetricDefinition;
  /** The breakdown this series is one value of, or null for the metric as a whole. */
  group: { by: string; value: string } | null;
  daily: DailyValue[];
}

export interface SeriesChange {
  series: Series;
  change: ChangePoint;
}

/**
 * Each metric's daily values over [from − baseline, to), for the scope (the organisation, or
 * one team), as the registry computes them: a personal metric's days over fewer people than
 * the group size come back withheld (null) and are left out, never used.
 */
export async function readSeries(
  store: Queryable,
  registry: MetricRegistry,
  defs: readonly MetricDefinition[],
  req: { from: Date; to: Date; team: string | null },
): Promise<Series[]> {
  const from = notBeforeYear1(new Date(req.from.getTime() - DETECT_DEFAULTS.maxBaselineDays * DAY));
  const where = req.team ? { team: req.team } : undefined;
  const dailyOf = (rows: { bucket: Date | null; value: number | null }[]) =>
    rows.flatMap((r) =>
      r.bucket && r.value !== null && Number.isFinite(r.value)
        ? [{ day: r.bucket.getTime(), value: r.value }]
        : [],
    );
  const perDef = await Promise.all(
    defs.map(async (def) => {
      const base = { from, to: req.to, bucket: 'day' as const, ...(where ? { where } : {}) };
      const whole = await registry.compute(store, def.name, base);
      const out: Series[] = [{ def, group: null, daily: dailyOf(whole) }];
      for (const by of WATCHED_BREAKDOWNS) {
        if (!def.groupBy.includes(by)) continue;
        const rows = await registry.compute(store, def.name, { ...base, by });
        const groups = [...new Set(rows.map((r) => r.group).filter((g): g is string => g !== null))].sort();
        for (const g of groups)
          out.push({
            def,
            group: { by, value: g },
            daily: dailyOf(rows.filter((r) => r.group === g)),
          });
      }
      return out;
    }),
  );
  return perDef.flat();
}

/** Every shift of every series, oldest first within a series. */
export function allChanges(series: readonly Series[]): SeriesChange[] {
  return series.flatMap((s) => detectChanges(s.daily).map((change) => ({ series: s, change })));
}

/**
 * Shifts whose new level starts inside [from, to) (a day of slack at the start: a change made
 * during the day before shows from the next full day).
 */
export const inWindow = (changes: readonly SeriesChange[], from: Date, to: Date) =>
  changes.filter((c) => c.change.at >= from.getTime() - DAY && c.change.at < to.getTime());

export interface TiedChange {
  kind: 'annotation' | 'deployment';
  id: string;
  title: string;
  at: Date;
  /** Days between the change and the detected start of the new level (signed: + = after it). */
  daysFromChange: number;
}

/** How far from a detected change a recorded one may be and still be named as its likely cause. */
export const TIE_DAYS = 3;
/** A deployment is named only when it is one of at most this many near the change (else: noise). */
export const TIE_MAX_DEPLOYMENTS = 3;

export interface ChangeLog {
  annotations: { id: string; title: string; at: number; metric: string | null; team: string | null }[];
  deployments: { id: string; service: string; at: number; team: string | null }[];
}

/** Recorded changes (annotations, production deployments) over the series' whole span. */
export async function readChangeLog(
  store: Queryable,
  req: { from: Date; to: Date; productionEnvironments: readonly string[] },
): Promise<ChangeLog> {
  const from = notBeforeYear1(
    new Date(req.from.getTime() - (DETECT_DEFAULTS.maxBaselineDays + TIE_DAYS) * DAY),
  );
  const to = new Date(req.to.getTime() + TIE_DAYS * DAY);
  const annotations = await store.query<{
    id: string;
    title: string;
    occurred_at: Date;
    metric: string | null;
    team: string | null;
  }>(
    `select id, title, occurred_at, metric, team from annotations
     where occurred_at >= $1::timestamp and occurred_at < $2::timestamp order by occurred_at, id`,
    [from, to],
  );
  const envs = req.productionEnvironments.map((_, i) => `$${i + 3}`).join(', ');
  const deployments = await store.query<{ id: string; service: string; at: Date; team: string | null }>(
    `select d.id, d.service, coalesce(d.finished_at, d.started_at) as at, r.team
     from deployments d left join repos r on r.repo = d.repo
     where d.started_at >= $1::timestamp and d.started_at < $2::timestamp
       and d.environment in (${envs}) and d.status = 'success'
     order by d.started_at, d.id`,
    [from, to, ...req.productionEnvironments],
  );
  return {
    annotations: annotations.map((a) => ({
      id: a.id,
      title: a.title,
      at: new Date(a.occurred_at).getTime(),
      metric: a.metric,
      team: a.team,
    })),
    deployments: deployments.map((d) => ({
      id: d.id,
      service: d.service,
      at: new Date(d.at).getTime(),
      team: d.team,
    })),
  };
}

/**
 * The recorded change a shift is most likely tied to: the nearest annotation within TIE_DAYS of
 * the detected start (one naming this metric first; in a team's view, the team's or an
 * organisation-wide one); failing that, a production deployment within a day, when it is one of
 * few (a day with a dozen deployments names none of them). Null when nothing was recorded near it.
 */
export function tieOf(sc: SeriesChange, log: ChangeLog, team: string | null): TiedChange | null {
  const at = sc.change.at;
  const near = (t: number, days: number) => Math.abs(t - at) <= days * DAY;
  const anns = log.annotations
    .filter((a) => near(a.at, TIE_DAYS) && (!team || a.team === null || a.team === team))
    .sort(
      (a, b) =>
        Number(b.metric === sc.series.def.name) - Number(a.metric === sc.series.def.name) ||
        Math.abs(a.at - at) - Math.abs(b.at - at),
    );
  const days = (t: number) => Math.round(((at - t) / DAY) * 10) / 10;
  const a = anns[0];
  if (a)
    return { kind: 'annotation', id: a.id, title: a.title, at: new Date(a.at), daysFromChange: days(a.at) };
  const deps = log.deployments.filter((d) => near(d.at, 1) && (!team || d.team === team));
  if (!deps.length || deps.length > TIE_MAX_DEPLOYMENTS) return null;
  const d = [...deps].sort((x, y) => Math.abs(x.at - at) - Math.abs(y.at - at))[0]!;
  return {
    kind: 'deployment',
    id: d.id,
    title: `Deployment of ${d.service}`,
    at: new Date(d.at),
    daysFromChange: days(d.at),
  };
}
