import { invalidArgument } from '../errors/errors.js';
import { leadTimeFacts } from '../metrics/definitions/testenv.js';
import { filterSql, inWindow } from '../metrics/registry/fragments.js';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { Bucket, MetricValue } from '../metrics/registry/types.js';
import type { Queryable } from '../store/store.js';

/**
 * Test-environment analytics: the report behind the Test environments dashboard
 * (GET /api/v1/testenv), in the seed's sections: performance, phases, volume and reliability,
 * optimisation, repository breakdown. Every number is a registry metric's value for the same
 * window and scope (the testenv.* metrics), so the page, `pitwall report` and /metrics agree;
 * only the distribution and the slowest provisions read rows, from the lead-time metric's facts.
 */

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export interface TestenvRequest {
  from: Date;
  to: Date;
  repo?: string | null;
  team?: string | null;
  /** `testenv.log_url`: a provision's log link, `{id}`, `{repo}`, `{branch}` filled in. */
  logUrl?: string | null;
  /** How many slowest provisions to list. */
  top?: number;
}

export interface TestenvSummary {
  provisions: number;
  p50Minutes: number | null;
  p90Minutes: number | null;
  p99Minutes: number | null;
  successRate: number | null;
  failureRate: number | null;
  perDay: number | null;
  perWeek: number | null;
  reprovisions: number;
  reprovisionRate: number | null;
  ciDelayMedianMinutes: number | null;
  ciDelayP90Minutes: number | null;
  earlyShare: number | null;
  parallelMedianMinutes: number | null;
}

export interface WeekOverWeek {
  /** The last 7 days of the window, and the 7 before them. */
  from: Date;
  to: Date;
  medianMinutes: number | null;
  previousMedianMinutes: number | null;
  /** (median − previous) / previous; negative is faster. */
  change: number | null;
}

export interface TestenvReport {
  from: Date;
  to: Date;
  repo: string | null;
  team: string | null;
  summary: TestenvSummary;
  weekOverWeek: WeekOverWeek;
  /** Per week: lead-time percentiles. */
  percentiles: { bucket: Date; p50: number | null; p90: number | null; p99: number | null }[];
  /** Successful provisions' lead time in bins of `binMinutes`. */
  distribution: { fromMinutes: number; toMinutes: number; count: number }[];
  binMinutes: number;
  /** Per week: median minutes of each phase (checks, kubernetes, wait_ready). */
  phases: { bucket: Date; checks: number | null; kubernetes: number | null; waitReady: number | null }[];
  /** Provisions per day and per week, succeeded and failed. */
  volume: { day: VolumeRow[]; week: VolumeRow[] };
  /** Failed provisions by category, with each category's share of all provisions. */
  failures: { category: string; count: number; rate: number }[];
  /** Per week: manual re-provisions and their share of provisions. */
  reprovisions: { bucket: Date; count: number; rate: number | null }[];
  /** Per week: provisions started before CI tests completed, after, and not reported. */
  early: { bucket: Date; early: number; complete: number; unreported: number }[];
  slowest: SlowProvision[];
  byRepo: RepoRow[];
}

export interface VolumeRow {
  bucket: Date;
  ok: number;
  failed: number;
}

export interface SlowProvision {
  id: string;
  repo: string | null;
  branch: string | null;
  startedAt: Date;
  minutes: number;
  status: string;
  failure: string | null;
  /** From `testenv.log_url`, or null when it is not set. */
  logUrl: string | null;
}

export interface RepoRow {
  repo: string;
  provisions: number;
  medianMinutes: number | null;
  failureRate: number | null;
  reprovisionRate: number | null;
  ciDelayMedianMinutes: number | null;
  earlyShare: number | null;
}

type Scope = Record<string, string>;

/** The report over [from, to), optionally for one repository or team. */
export async function testenvReport(
  store: Queryable,
  registry: MetricRegistry,
  req: TestenvRequest,
): Promise<TestenvReport> {
  if (!(req.from < req.to))
    throw invalidArgument(`from (${req.from.toISOString()}) must be before to (${req.to.toISOString()})`, {
      field: 'from',
    });
  const where: Scope = {};
  if (req.repo) where.repo = req.repo;
  if (req.team) where.team = req.team;
  const win = { from: req.from, to: req.to, where };
  const m = (name: string, extra: { bucket?: Bucket; by?: string; from?: Date; to?: Date } = {}) =>
    registry.compute(store, name, { ...win, ...extra });
  const total = async (name: string) => (await m(name))[0]?.value ?? null;

  const weekTo = req.to;
  const weekFrom = new Date(Math.max(req.from.getTime(), weekTo.getTime() - WEEK_MS));
  const prevFrom = new Date(weekFrom.getTime() - WEEK_MS);

  const [
    provisions,
    p50,
    p90,
    p99,
    successRate,
    failureRate,
    perDay,
    perWeek,
    reprovisions,
    reprovisionRate,
    ciDelayMedian,
    ciDelayP90,
    earlyShare,
    parallel,
  ] = await Promise.all(
    [
      'testenv.provision.count',
      'testenv.provision.duration_p50_minutes',
      'testenv.provision.duration_p90_minutes',
      'testenv.provision.duration_p99_minutes',
      'testenv.provision.success_rate',
      'testenv.provision.failure_rate',
      'testenv.provision.per_day',
      'testenv.provision.per_week',
      'testenv.reprovision.count',
      'testenv.reprovision.rate',
      'testenv.ci_delay.median_minutes',
      'testenv.ci_delay.p90_minutes',
      'testenv.provision.early_share',
      'testenv.parallel.median_minutes',
    ].map(total),
  );
  const median = 'testenv.provision.duration_p50_minutes';
  const [cur, prev] = await Promise.all([
    m(median, { from: weekFrom, to: weekTo }),
    weekFrom > req.from
      ? m(median, { from: prevFrom < req.from ? req.from : prevFrom, to: weekFrom })
      : Promise.resolve([] as MetricValue[]),
  ]);
  const wNow = cur[0]?.value ?? null;
  const wPrev = prev[0]?.value ?? null;

  const week = { bucket: 'week' as const };
  const [pw50, pw90, pw99, phases, volDay, volWeek, failures, reWeek, reRateWeek, ciWeek] = await Promise.all(
    [
      m(median, week),
      m('testenv.provision.duration_p90_minutes', week),
      m('testenv.provision.duration_p99_minutes', week),
      m('testenv.phase.duration_p50_minutes', { ...week, by: 'phase' }),
      m('testenv.provision.count', { bucket: 'day', by: 'failure' }),
      m('testenv.provision.count', { ...week, by: 'failure' }),
      m('testenv.provision.count', { by: 'failure' }),
      m('testenv.reprovision.count', week),
      m('testenv.reprovision.rate', week),
      m('testenv.provision.count', { ...week, by: 'ci_complete' }),
    ],
  );

  const count = provisions ?? 0;
  const binMinutes = binWidth(p99);
  const [distribution, slowest, byRepo] = await Promise.all([
    distributionOf(store, win, binMinutes),
    slowestOf(store, win, req.logUrl ?? null, req.top ?? 10),
    repoRows(m),
  ]);

  return {
    from: req.from,
    to: req.to,
    repo: req.repo ?? null,
    team: req.team ?? null,
    summary: {
      provisions: count,
      p50Minutes: p50 ?? null,
      p90Minutes: p90 ?? null,
      p99Minutes: p99 ?? null,
      successRate: successRate ?? null,
      failureRate: failureRate ?? null,
      perDay: perDay ?? null,
      perWeek: perWeek ?? null,
      reprovisions: reprovisions ?? 0,
      reprovisionRate: reprovisionRate ?? null,
      ciDelayMedianMinutes: ciDelayMedian ?? null,
      ciDelayP90Minutes: ciDelayP90 ?? null,
      earlyShare: earlyShare ?? null,
      parallelMedianMinutes: parallel ?? null,
    },
    weekOverWeek: {
      from: weekFrom,
      to: weekTo,
      medianMinutes: wNow,
      previousMedianMinutes: wPrev,
      change: wNow !== null && wPrev !== null && wPrev !== 0 ? (wNow - wPrev) / wPrev : null,
    },
    percentiles: byBucket([pw50, pw90, pw99], ([a, b, c]) => ({
      p50: a ?? null,
      p90: b ?? null,
      p99: c ?? null,
    })),
    distribution,
    binMinutes,
    phases: buckets(phases).map((bucket) => {
      const at = (g: string) => phases.find((r) => same(r.bucket, bucket) && r.group === g)?.value ?? null;
      return {
        bucket,
        checks: at('testenv.checks'),
        kubernetes: at('testenv.kubernetes'),
        waitReady: at('testenv.wait_ready'),
      };
    }),
    volume: { day: volumeRows(volDay), week: volumeRows(volWeek) },
    failures: failures
      .filter((r) => r.group !== null)
      .map((r) => ({ category: r.group!, count: r.value ?? 0, rate: count ? (r.value ?? 0) / count : 0 }))
      .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category)),
    reprovisions: buckets(reWeek).map((bucket) => ({
      bucket,
      count: reWeek.find((r) => same(r.bucket, bucket))?.value ?? 0,
      rate: reRateWeek.find((r) => same(r.bucket, bucket))?.value ?? null,
    })),
    early: buckets(ciWeek).map((bucket) => {
      const at = (g: string | null) =>
        ciWeek.find((r) => same(r.bucket, bucket) && r.group === g)?.value ?? 0;
      return { bucket, early: at('false'), complete: at('true'), unreported: at(null) };
    }),
    slowest,
    byRepo,
  };
}

const same = (a: Date | null, b: Date) => a !== null && a.getTime() === b.getTime();

function buckets(rows: MetricValue[]): Date[] {
  const ms = [...new Set(rows.filter((r) => r.bucket).map((r) => r.bucket!.getTime()))].sort((a, b) => a - b);
  return ms.map((t) => new Date(t));
}

function byBucket<T>(series: MetricValue[][], f: (values: (number | null)[]) => T): ({ bucket: Date } & T)[] {
  return buckets(series.flat()).map((bucket) => ({
    bucket,
    ...f(series.map((s) => s.find((r) => same(r.bucket, bucket))?.value ?? null)),
  }));
}

/** Count rows by failure group: null is a provision that did not fail. */
function volumeRows(rows: MetricValue[]): VolumeRow[] {
  return buckets(rows).map((bucket) => {
    const mine = rows.filter((r) => same(r.bucket, bucket));
    const ok = mine.filter((r) => r.group === null).reduce((s, r) => s + (r.value ?? 0), 0);
    const failed = mine.filter((r) => r.group !== null).reduce((s, r) => s + (r.value ?? 0), 0);
    return { bucket, ok, failed };
  });
}

/** About 30 bins up to the p99, on whole minutes. */
function binWidth(p99: number | null | undefined): number {
  if (!p99 || p99 <= 30) return 1;
  const raw = p99 / 30;
  return [2, 5, 10, 15, 30, 60].find((w) => w >= raw) ?? Math.ceil(raw / 60) * 60;
}

type Window = { from: Date; to: Date; where: Scope };

async function distributionOf(store: Queryable, w: Window, bin: number) {
  const f = filterSql(w.where, 3);
  const rows = await store.query<{ b: number; n: number }>(
    `with f as (${leadTimeFacts}) select cast(floor(v / ${bin}) as integer) as b, count(*) as n
     from f where ${inWindow()}${f.sql} group by 1 order by 1`,
    [w.from, w.to, ...f.params],
  );
  return rows.map((r) => ({
    fromMinutes: Number(r.b) * bin,
    toMinutes: (Number(r.b) + 1) * bin,
    count: Number(r.n),
  }));
}

/** The slowest provisions that ended (ready or failed), longest first. */
async function slowestOf(store: Queryable, w: Window, logUrl: string | null, top: number) {
  const f = filterSql(w.where, 3);
  const rows = await store.query<{
    id: string;
    repo: string | null;
    branch: string | null;
    ts: Date;
    minutes: number;
    status: string;
    failure: string | null;
  }>(
    `with f as (select s.span_id as id, s.repo, s.team, s.key as branch, s.started_at as ts, s.status,
        s.failure_category as failure, extract(epoch from (s.ended_at - s.started_at)) / 60.0 as minutes
      from spans s where s.name = 'testenv.provision' and s.ended_at is not null)
     select id, repo, branch, ts, minutes, status, failure from f where ${inWindow()}${f.sql}
     order by minutes desc, id limit $${f.params.length + 3}`,
    [w.from, w.to, ...f.params, Math.max(1, Math.min(100, Math.floor(top)))],
  );
  return rows.map((r): SlowProvision => ({
    id: r.id,
    repo: r.repo,
    branch: r.branch,
    startedAt: r.ts,
    minutes: Number(r.minutes),
    status: r.status,
    failure: r.failure,
    logUrl: logLink(logUrl, r),
  }));
}

/** `testenv.log_url` with `{id}`, `{repo}`, `{branch}` filled in, each URL-encoded. */
export function logLink(
  template: string | null,
  p: { id: string; repo: string | null; branch: string | null },
): string | null {
  if (!template) return null;
  const values: Record<string, string> = { id: p.id, repo: p.repo ?? '', branch: p.branch ?? '' };
  return template.replace(/\{(id|repo|branch)\}/g, (_, k: string) => encodeURIComponent(values[k]!));
}

async function repoRows(
  m: (name: string, extra: { by: string }) => Promise<MetricValue[]>,
): Promise<RepoRow[]> {
  const by = { by: 'repo' };
  const [count, median, failure, reprov, ci, early] = await Promise.all(
    [
      'testenv.provision.count',
      'testenv.provision.duration_p50_minutes',
      'testenv.provision.failure_rate',
      'testenv.reprovision.rate',
      'testenv.ci_delay.median_minutes',
      'testenv.provision.early_share',
    ].map((n) => m(n, by)),
  );
  const at = (rows: MetricValue[] | undefined, repo: string) =>
    rows?.find((r) => r.group === repo)?.value ?? null;
  return (count ?? [])
    .filter((r) => r.group !== null)
    .map((r) => ({
      repo: r.group!,
      provisions: r.value ?? 0,
      medianMinutes: at(median, r.group!),
      failureRate: at(failure, r.group!),
      reprovisionRate: at(reprov, r.group!),
      ciDelayMedianMinutes: at(ci, r.group!),
      earlyShare: at(early, r.group!),
    }))
    .sort((a, b) => b.provisions - a.provisions || a.repo.localeCompare(b.repo));
}
