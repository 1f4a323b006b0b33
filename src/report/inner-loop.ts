import { invalidArgument } from '../errors/errors.js';
import { CHECK_CATEGORIES, commandFacts } from '../metrics/definitions/local.js';
import { filterSql, inWindow, truncTo } from '../metrics/registry/fragments.js';
import type { Queryable, SqlValue } from '../store/store.js';

/**
 * Where developers wait: the inner-loop report behind the Inner loop dashboard, the team page's
 * panel and `pitwall agent stats` (one implementation for all three).
 *
 * Every figure is over the rows of the local.* metrics (commandFacts), so a number here equals
 * the registry's metric for the same scope. Runs per day and hours per week are per calendar
 * day of the window, as the metrics' {period_days}.
 *
 * k-anonymity: any aggregate over fewer than `minPeople` distinct people (default 5) is
 * withheld, its numbers null and the reason given, so a small group never singles anyone out.
 * Nothing is ever grouped by person. `pitwall agent stats` passes minPeople 1: it is the
 * developer's own data on their own machine.
 */

export const MIN_PEOPLE = 5;
const DAY_MS = 86_400_000;

export interface InnerLoopRequest {
  from: Date;
  to: Date;
  team?: string | null;
  repo?: string | null;
  /** Aggregates over fewer distinct people are withheld; 1 turns the rule off. */
  minPeople?: number;
  /** How many chokepoints to list. */
  top?: number;
}

/** The figures of one group of commands; all null when withheld. */
export interface LoopFigures {
  runs: number | null;
  p50Seconds: number | null;
  p90Seconds: number | null;
  runsPerDay: number | null;
  hoursPerWeek: number | null;
  failureRate: number | null;
}

export interface LoopRow extends LoopFigures {
  /** The category, or the repository (null: commands run outside any repository). */
  key: string | null;
  /** Why the numbers are not shown, or null. */
  withheld: string | null;
}

export interface Chokepoint {
  /** The normalised command: program + subcommand (`npm test`). */
  program: string;
  repo: string | null;
  category: string | null;
  people: number;
  runs: number;
  p50Seconds: number;
  p90Seconds: number;
  runsPerDay: number;
  /** p50 × runs per day: the arithmetic the sentence shows. */
  medianHoursPerDay: number;
  /** Measured: the summed wall time, per calendar day and per week. */
  hoursPerDay: number;
  hoursPerWeek: number;
  failureRate: number;
  /** "`npm test` in acme/api: p50 4.1 min x 36 runs a day = 2.5 h a day (…)". */
  text: string;
}

export interface TrendWeek {
  /** Monday (UTC) starting the week. */
  week: Date;
  /** Days of the week inside the window (edges can be partial). */
  days: number;
  category: string | null;
  runs: number | null;
  p50Seconds: number | null;
  hoursPerWeek: number | null;
  withheld: string | null;
}

export interface CacheSize {
  cache: string;
  /** Machines that reported it (latest sample of each in the window). */
  hosts: number;
  medianBytes: number | null;
  totalBytes: number | null;
  withheld: string | null;
}

export interface InnerLoopReport {
  from: Date;
  to: Date;
  team: string | null;
  repo: string | null;
  minPeople: number;
  /** Whole scope. */
  summary: LoopFigures & {
    people: number | null;
    testBuildSuccessRate: number | null;
    installNetworkShare: number | null;
    /** Installs whose network time was measured (the share is over these). */
    installsMeasured: number | null;
    withheld: string | null;
  };
  byCategory: LoopRow[];
  byRepo: LoopRow[];
  trend: TrendWeek[];
  /** Ranked by measured total time, groups of ≥ minPeople people only. */
  chokepoints: Chokepoint[];
  /** Command groups left out of the chokepoints by the k-anonymity rule. */
  chokepointsWithheld: { groups: number; reason: string | null };
  caches: CacheSize[];
  diskFree: { hosts: number; medianBytes: number | null; withheld: string | null } | null;
}

export const withheldReason = (min: number) =>
  `withheld: fewer than ${min} people ran these commands (aggregates over fewer than ${min} people are not shown, so no one is singled out)`;

interface GroupRow {
  k1: string | null;
  k2: string | null;
  k3: string | null;
  people: number;
  runs: number;
  p50: number;
  p90: number;
  seconds: number;
  failures: number;
}

/** Same rows as the local.* metrics, plus who ran them (distinct counts only) and the exit code. */
const FACTS = commandFacts('c.duration_ms / 1000.0', 'true', {
  person: true,
  extra: 'c.exit_code, c.network_ms, c.duration_ms as d',
});

export async function innerLoop(store: Queryable, req: InnerLoopRequest): Promise<InnerLoopReport> {
  const minPeople = req.minPeople ?? MIN_PEOPLE;
  if (!Number.isInteger(minPeople) || minPeople < 1)
    throw invalidArgument(`minPeople must be a whole number ≥ 1, got ${minPeople}`, { field: 'minPeople' });
  if (!(req.from < req.to))
    throw invalidArgument(`from (${req.from.toISOString()}) must be before to (${req.to.toISOString()})`, {
      field: 'from',
    });
  const top = req.top ?? 10;
  const scope: Record<string, string> = {};
  if (req.team) scope.team = req.team;
  if (req.repo) scope.repo = req.repo;
  const filter = filterSql(scope, 3);
  const params: SqlValue[] = [req.from, req.to, ...filter.params];
  const days = (req.to.getTime() - req.from.getTime()) / DAY_MS;
  const reason = withheldReason(minPeople);
  const scoped = `with f as (${FACTS}) select * from f where ${inWindow()}${filter.sql}`;
  const grouped = (keys: [string, string, string], extraWhere = 'true', order = '') =>
    store.query<GroupRow>(
      `select ${keys[0]} as k1, ${keys[1]} as k2, ${keys[2]} as k3,
         count(distinct person) as people, count(*) as runs,
         percentile_cont(0.5) within group (order by v) as p50,
         percentile_cont(0.9) within group (order by v) as p90,
         sum(v) as seconds, sum(case when exit_code <> 0 then 1 else 0 end) as failures
       from (${scoped}) s where ${extraWhere} group by 1, 2, 3 ${order}`,
      params,
    );
  const figures = (r: GroupRow | undefined, periodDays = days): LoopFigures => ({
    runs: r ? Number(r.runs) : 0,
    p50Seconds: r ? Number(r.p50) : null,
    p90Seconds: r ? Number(r.p90) : null,
    runsPerDay: r ? Number(r.runs) / periodDays : 0,
    hoursPerWeek: r ? ((Number(r.seconds) / 3600) * 7) / periodDays : 0,
    failureRate: r ? Number(r.failures) / Number(r.runs) : null,
  });
  const none: LoopFigures = {
    runs: null,
    p50Seconds: null,
    p90Seconds: null,
    runsPerDay: null,
    hoursPerWeek: null,
    failureRate: null,
  };
  const row = (r: GroupRow): LoopRow =>
    Number(r.people) >= minPeople
      ? { key: r.k1, ...figures(r), withheld: null }
      : { key: r.k1, ...none, withheld: reason };
  const bySeconds = (a: LoopRow, b: LoopRow) =>
    (b.hoursPerWeek ?? -1) - (a.hoursPerWeek ?? -1) || String(a.key).localeCompare(String(b.key));

  const [whole, checks, installs, cats, repos, programs, weeks, caches] = await Promise.all([
    grouped(['null', 'null', 'null']),
    store.query<{ people: number; n: number; ok: number }>(
      `select count(distinct person) as people, count(*) as n, sum(case when exit_code = 0 then 1 else 0 end) as ok
       from (${scoped}) s where category in ${CHECK_CATEGORIES}`,
      params,
    ),
    store.query<{ people: number; n: number; net: number | null; total: number | null }>(
      `select count(distinct person) as people, count(*) as n, sum(network_ms) as net, sum(d) as total
       from (${scoped}) s where category = 'install' and network_ms is not null`,
      params,
    ),
    grouped(['category', 'null', 'null']),
    grouped(['repo', 'null', 'null']),
    grouped(['program', 'repo', 'category']),
    grouped([truncTo('week', 'ts'), 'category', 'null']),
    cacheSamples(store, req, scoped, params),
  ]);

  const w = whole[0];
  const people = w ? Number(w.people) : 0;
  const shown = people >= minPeople;
  const c = checks[0];
  const i = installs[0];
  const summary: InnerLoopReport['summary'] = shown
    ? {
        people,
        ...figures(w),
        testBuildSuccessRate:
          c && Number(c.n) && Number(c.people) >= minPeople ? Number(c.ok) / Number(c.n) : null,
        installNetworkShare:
          i && Number(i.n) && Number(i.people) >= minPeople && Number(i.total) > 0
            ? Number(i.net) / Number(i.total)
            : null,
        installsMeasured: i && Number(i.people) >= minPeople ? Number(i.n) : null,
        withheld: null,
      }
    : {
        people: null,
        ...none,
        testBuildSuccessRate: null,
        installNetworkShare: null,
        installsMeasured: null,
        withheld: people ? reason : null,
      };

  // A program run in one repo by one category normally; the group is (program, repo), its
  // category the one most of its time went to.
  const chokeGroups = new Map<string, { rows: GroupRow[] }>();
  for (const r of programs) {
    const key = JSON.stringify([r.k1, r.k2]);
    const g = chokeGroups.get(key) ?? { rows: [] };
    g.rows.push(r);
    chokeGroups.set(key, g);
  }
  // Distinct people cannot be summed across categories: the few (program, repo) groups split
  // over categories are counted again as one.
  const split = [...chokeGroups.values()].filter((g) => g.rows.length > 1);
  const splitPeople = new Map<string, number>();
  if (split.length) {
    const again = await grouped(['program', 'repo', 'null']);
    for (const r of again) splitPeople.set(JSON.stringify([r.k1, r.k2]), Number(r.people));
  }
  const all: Chokepoint[] = [];
  let withheldGroups = 0;
  for (const [key, g] of chokeGroups) {
    const ppl = splitPeople.get(key) ?? Number(g.rows[0]!.people);
    if (ppl < minPeople) {
      withheldGroups++;
      continue;
    }
    all.push(chokepoint(g.rows, ppl, days));
  }
  all.sort((a, b) => b.hoursPerWeek - a.hoursPerWeek || a.program.localeCompare(b.program));

  const trend: TrendWeek[] = weeks
    .map((r) => {
      const week = new Date(r.k1 as unknown as Date);
      const start = Math.max(week.getTime(), req.from.getTime());
      const end = Math.min(week.getTime() + 7 * DAY_MS, req.to.getTime());
      const d = (end - start) / DAY_MS;
      const ok = Number(r.people) >= minPeople;
      return {
        week,
        days: d,
        category: r.k2,
        runs: ok ? Number(r.runs) : null,
        p50Seconds: ok ? Number(r.p50) : null,
        hoursPerWeek: ok ? ((Number(r.seconds) / 3600) * 7) / d : null,
        withheld: ok ? null : reason,
      };
    })
    .sort(
      (a, b) => a.week.getTime() - b.week.getTime() || String(a.category).localeCompare(String(b.category)),
    );

  return {
    from: req.from,
    to: req.to,
    team: req.team ?? null,
    repo: req.repo ?? null,
    minPeople,
    summary,
    byCategory: cats.map(row).sort(bySeconds),
    byRepo: repos.map(row).sort(bySeconds),
    trend,
    chokepoints: all.slice(0, top),
    chokepointsWithheld: { groups: withheldGroups, reason: withheldGroups ? reason : null },
    ...caches,
  };
}

function chokepoint(rows: GroupRow[], people: number, days: number): Chokepoint {
  // Percentiles of a group split over categories come from its largest part; such splits are
  // rare (one program categorised two ways in one repo).
  const main = [...rows].sort((a, b) => Number(b.seconds) - Number(a.seconds))[0]!;
  const runs = rows.reduce((s, r) => s + Number(r.runs), 0);
  const seconds = rows.reduce((s, r) => s + Number(r.seconds), 0);
  const failures = rows.reduce((s, r) => s + Number(r.failures), 0);
  const p50 = Number(main.p50);
  const runsPerDay = runs / days;
  const medianHoursPerDay = (p50 * runsPerDay) / 3600;
  const hoursPerDay = seconds / 3600 / days;
  const c: Omit<Chokepoint, 'text'> = {
    program: main.k1!,
    repo: main.k2,
    category: main.k3,
    people,
    runs,
    p50Seconds: p50,
    p90Seconds: Number(main.p90),
    runsPerDay,
    medianHoursPerDay,
    hoursPerDay,
    hoursPerWeek: hoursPerDay * 7,
    failureRate: failures / runs,
  };
  return { ...c, text: chokepointText(c) };
}

/** A duration in the unit it reads best in. */
export function durationText(seconds: number): string {
  if (seconds < 60) return `${round(seconds)} s`;
  if (seconds < 3600) return `${round(seconds / 60)} min`;
  return `${round(seconds / 3600)} h`;
}
const round = (v: number) => (v >= 10 ? v.toFixed(0) : v.toFixed(1));
/** Hours, or minutes below one hour (0.1 h a day reads better as 6 min a day). */
const hours = (h: number) => (h >= 1 ? `${round(h)} h` : `${round(h * 60)} min`);

export function chokepointText(c: Omit<Chokepoint, 'text'>): string {
  const where = c.repo ? `in ${c.repo}` : 'outside any repository';
  return (
    `\`${c.program}\` ${where}: p50 ${durationText(c.p50Seconds)} x ${round(c.runsPerDay)} runs a day = ` +
    `${hours(c.medianHoursPerDay)} a day (measured ${hours(c.hoursPerDay)} a day, ${hours(c.hoursPerWeek)} a week)`
  );
}

/**
 * Cache sizes and free disk: the agent's metric points (dev.cache.size_bytes tagged cache,
 * dev.disk.free_bytes), the latest sample of each machine in the window. A team filter keeps
 * the machines that ran the team's commands (the `host` tag against commands.host).
 */
async function cacheSamples(
  store: Queryable,
  req: InnerLoopRequest,
  scoped: string,
  params: SqlValue[],
): Promise<Pick<InnerLoopReport, 'caches' | 'diskFree'>> {
  const minPeople = req.minPeople ?? MIN_PEOPLE;
  const points = await store.query<{ name: string; tags: string; value: number }>(
    `select name, tags, value from (
       select name, tags, value, row_number() over (partition by name, tags order by occurred_at desc) as n
       from metric_points where name in ('dev.cache.size_bytes', 'dev.disk.free_bytes') and ${inWindow('occurred_at')}
     ) x where n = 1`,
    [req.from, req.to],
  );
  const teamHosts =
    req.team || req.repo
      ? new Set(
          (
            await store.query<{ host: string | null }>(
              `select distinct c.host from commands c where c.host is not null and c.user_name in (select person from (${scoped}) s)`,
              params,
            )
          ).map((h) => h.host),
        )
      : null;
  const reason = `withheld: fewer than ${minPeople} machines reported (aggregates over fewer than ${minPeople} are not shown)`;
  const byCache = new Map<string, number[]>();
  const disk: number[] = [];
  for (const p of points) {
    const tags = JSON.parse(p.tags) as Record<string, unknown>;
    const host = typeof tags.host === 'string' ? tags.host : null;
    if (teamHosts && (host === null || !teamHosts.has(host))) continue;
    if (p.name === 'dev.disk.free_bytes') disk.push(Number(p.value));
    else {
      const cache = typeof tags.cache === 'string' ? tags.cache : 'unnamed';
      byCache.set(cache, [...(byCache.get(cache) ?? []), Number(p.value)]);
    }
  }
  const caches = [...byCache]
    .map(([cache, v]): CacheSize => {
      const ok = v.length >= minPeople;
      return {
        cache,
        hosts: v.length,
        medianBytes: ok ? medianOf(v) : null,
        totalBytes: ok ? v.reduce((s, x) => s + x, 0) : null,
        withheld: ok ? null : reason,
      };
    })
    .sort((a, b) => (b.medianBytes ?? -1) - (a.medianBytes ?? -1) || a.cache.localeCompare(b.cache));
  const diskFree = disk.length
    ? {
        hosts: disk.length,
        medianBytes: disk.length >= minPeople ? medianOf(disk) : null,
        withheld: disk.length >= minPeople ? null : reason,
      }
    : null;
  return { caches, diskFree };
}

function medianOf(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = (s.length - 1) / 2;
  return (s[Math.floor(m)]! + s[Math.ceil(m)]!) / 2;
}
