import { invalidArgument } from '../errors/errors.js';
import { CHECK_CATEGORIES, commandFacts } from '../metrics/definitions/local.js';
import { filterSql, inWindow, truncTo } from '../metrics/registry/fragments.js';
import { DEFAULT_MIN_GROUP_SIZE, withheldReason } from '../metrics/registry/privacy.js';
import type { Queryable, SqlValue } from '../store/store.js';

/**
 * Where developers wait: the inner-loop report behind the Inner loop dashboard, the team page's
 * panel and `pitwall agent stats` (one implementation for all three).
 *
 * Every figure is over the rows of the local.* metrics (commandFacts), so a number here equals
 * the registry's metric for the same scope. Runs per day and hours per week are per calendar
 * day of the window, as the metrics' {period_days}.
 *
 * k-anonymity: any aggregate over fewer than `minPeople` distinct people is withheld, its
 * numbers null and the reason given (privacy.ts's one wording), so a small group never singles
 * anyone out. Callers pass `privacy.min_group_size` (the server does); the default is its
 * default. Nothing is ever grouped by person. `pitwall agent stats` passes minPeople 1: it is
 * the developer's own data on their own machine.
 */

export const MIN_PEOPLE = DEFAULT_MIN_GROUP_SIZE;
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

interface SetRow extends Omit<GroupRow, 'k1' | 'k2' | 'k3'> {
  g: number;
  category: string | null;
  repo: string | null;
  program: string | null;
  wk: Date | null;
  check_people: number;
  check_n: number;
  check_ok: number;
  install_people: number;
  install_n: number;
  install_net: number | null;
  install_total: number | null;
}

/** grouping(category, repo, program, wk): bit 8 category … bit 1 wk set when left out of the set. */
const SETS = { whole: 15, category: 7, repo: 11, programCategory: 1, program: 9, week: 6 } as const;
const keysOf = ([k1, k2, k3]: [string | null, string | null, string | null]) => ({ k1, k2, k3 });
const CHECK = `category in ${CHECK_CATEGORIES}`;
const INSTALL = `category = 'install' and network_ms is not null`;

/** Same rows as the local.* metrics, plus who ran them (distinct counts only) and the exit code. */
const FACTS = commandFacts('c.duration_ms / 1000.0', 'true', {
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
  const reason = withheldReason(0, minPeople)!;
  const scoped = `with f as (${FACTS}) select * from f where ${inWindow()}${filter.sql}`;
  // One statement, one pass over the rows: every grouping the report shows is a grouping set,
  // told apart by grouping(category, repo, program, wk) (a bit set per column left out).
  const [rows, caches] = await Promise.all([
    store.query<SetRow>(
      `select grouping(category, repo, program, wk) as g, category, repo, program, wk,
       count(distinct user_name) as people, count(*) as runs,
       percentile_cont(0.5) within group (order by v) as p50,
       percentile_cont(0.9) within group (order by v) as p90,
       sum(v) as seconds, sum(case when exit_code <> 0 then 1 else 0 end) as failures,
       count(distinct case when ${CHECK} then user_name end) as check_people,
       sum(case when ${CHECK} then 1 else 0 end) as check_n,
       sum(case when ${CHECK} and exit_code = 0 then 1 else 0 end) as check_ok,
       count(distinct case when ${INSTALL} then user_name end) as install_people,
       sum(case when ${INSTALL} then 1 else 0 end) as install_n,
       sum(case when ${INSTALL} then network_ms end) as install_net,
       sum(case when ${INSTALL} then d end) as install_total
     from (select s.*, ${truncTo('week', 'ts')} as wk from (${scoped}) s) s
     group by grouping sets ((), (category), (repo), (program, repo, category), (program, repo), (wk, category))`,
      params,
    ),
    cacheSamples(store, req, scoped, params),
  ]);
  const set = (
    g: number,
    k: (r: SetRow) => [string | null, string | null, string | null],
  ): (SetRow & GroupRow)[] => rows.filter((r) => Number(r.g) === g).map((r) => ({ ...r, ...keysOf(k(r)) }));
  const [whole, cats, repos, programCats, programs, weeks] = [
    set(SETS.whole, () => [null, null, null]),
    set(SETS.category, (r) => [r.category, null, null]),
    set(SETS.repo, (r) => [r.repo, null, null]),
    set(SETS.programCategory, (r) => [r.program, r.repo, r.category]),
    set(SETS.program, (r) => [r.program, r.repo, null]),
    set(SETS.week, (r) => [r.wk as unknown as string, r.category, null]),
  ];
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

  const w = whole[0];
  const people = w ? Number(w.people) : 0;
  const shown = people >= minPeople;
  const c = w && { people: w.check_people, n: w.check_n, ok: w.check_ok };
  const i = w && { people: w.install_people, n: w.install_n, net: w.install_net, total: w.install_total };
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

  // A chokepoint is (program, repo); its category is the one most of its time went to (a
  // program is normally categorised one way).
  const mainCategory = new Map<string, string | null>();
  for (const r of [...programCats].sort((x, y) => Number(x.seconds) - Number(y.seconds)))
    mainCategory.set(JSON.stringify([r.k1, r.k2]), r.k3);
  const all: Chokepoint[] = [];
  let withheldGroups = 0;
  for (const r of programs) {
    if (Number(r.people) < minPeople) {
      withheldGroups++;
      continue;
    }
    all.push(chokepoint(r, mainCategory.get(JSON.stringify([r.k1, r.k2])) ?? null, days));
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

function chokepoint(r: GroupRow, category: string | null, days: number): Chokepoint {
  const runs = Number(r.runs);
  const p50 = Number(r.p50);
  const runsPerDay = runs / days;
  const hoursPerDay = Number(r.seconds) / 3600 / days;
  const c: Omit<Chokepoint, 'text'> = {
    program: r.k1!,
    repo: r.k2,
    category,
    people: Number(r.people),
    runs,
    p50Seconds: p50,
    p90Seconds: Number(r.p90),
    runsPerDay,
    medianHoursPerDay: (p50 * runsPerDay) / 3600,
    hoursPerDay,
    hoursPerWeek: hoursPerDay * 7,
    failureRate: Number(r.failures) / runs,
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
              `select distinct c.host from commands c where c.host is not null and c.user_name in (select user_name from (${scoped}) s)`,
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
