import { invalidArgument } from '../errors/errors.js';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { FactsMetric } from '../metrics/registry/types.js';
import type { Queryable } from '../store/store.js';
import { humanPrs } from '../metrics/definitions/sql.js';
import { findAnnotation } from './impact/annotations.js';
import { businessImpact } from './impact/business.js';
import { readFacts } from './impact/facts.js';
import { hoursPerUnit } from './impact/kind.js';
import { quantileSorted, sortedCopy } from './impact/quantile.js';
import type { Estimate, Window, WindowStats } from './impact/types.js';
import { explicitWindows, windowOf, windowsAround } from './impact/windows.js';
import {
  WEEKS_PER_YEAR,
  WORKING_DAYS_PER_YEAR,
  calculate,
  type Calculation,
  type CalculatorInputs,
  type Input,
} from './roi/calculator.js';
import { calculatorLines, compactAmount, money } from './roi/format.js';

/**
 * Platform ROI from what the warehouse measures: developer hours saved (CI runs and test
 * environments, baseline period against the current one) and fewer incidents, valued at
 * costs.developer_hour, against costs.platform_investment_per_year, through the CI seed's
 * calculator (roi/calculator.ts). Every input says where it came from. See docs/roi.md.
 */
export const ROI_DEFAULT_DAYS = 28;
const DAY = 86_400_000;

/** The duration metrics whose median drop is developer time back (a developer waits on each event). */
export const ROI_DURATIONS = [
  {
    id: 'ci_wait',
    metric: 'ci.runs.duration_p50_minutes',
    title: 'CI wait',
    why: 'a developer waits for each CI run (queue and execution, created to completed)',
  },
  {
    id: 'testenv_provisioning',
    metric: 'testenv.provision.duration_p50_minutes',
    title: 'Test environment provisioning',
    why: 'a developer waits for each test environment to be ready',
  },
] as const;

export interface Side {
  n: number;
  perWeek: number;
  /** Median, in the metric's unit (hours for incidents' time to restore). */
  median: number | null;
}

export interface LineItem {
  id: 'ci_wait' | 'testenv_provisioning' | 'incidents';
  title: string;
  /** The registry metric (or table) it was measured on, and how. */
  source: string;
  unit: string;
  baseline: Side;
  current: Side;
  /** Hours saved per event (durations) or per incident avoided × people; negative = time lost. */
  hoursPerEvent: number | null;
  eventsPerWeek: number;
  hoursPerYear: number | null;
  moneyPerYear: number | null;
  note: string;
}

export interface RoiOverrides {
  developers?: number;
  hoursLostPerDeveloperDay?: number;
  developerHour?: number;
  ciInfraPerMonth?: number;
  teamFtes?: number;
  fteCost?: number;
  infraIncreasePerMonth?: number;
  toolingPerYear?: number;
  investmentPerYear?: number;
  hoursRecoveredPerDeveloperDay?: number;
  deployFrequencyChangePct?: number;
  incidentChangePct?: number;
  peoplePerIncident?: number;
  workingDaysPerYear?: number;
}

export interface RoiRequest {
  now: Date;
  annotation?: string | null;
  days?: number;
  baseline?: Window | null;
  current?: Window | null;
  overrides?: RoiOverrides;
}

export interface RoiReport {
  windows: { baseline: Window; current: Window; from: 'annotation' | 'explicit' | 'data' };
  annotation: string | null;
  items: LineItem[];
  inputs: CalculatorInputs;
  calculation: Calculation;
  /** The seed's calculator, line by line, with these figures. */
  sections: { section: string; lines: string[] }[];
  /** What the executive panel shows. */
  summary: {
    currency: string;
    inHours: boolean;
    valuePerYear: number | null;
    hoursPerYear: number | null;
    investmentPerYear: number | null;
    roiPercent: number | null;
    roiMultiple: number | null;
    breakEvenMonths: number | null;
    /** As the panel shows them: "$2.1M/year" (or "12,300 hours/year"), "$480k". */
    valueText: string;
    investmentText: string | null;
  };
  warnings: string[];
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const side = (n: number, w: Window, median: number | null): Side => ({
  n,
  perWeek: w.days > 0 ? (n / w.days) * 7 : 0,
  median,
});

async function windowsFor(
  store: Queryable,
  r: RoiRequest,
): Promise<RoiReport['windows'] & { annotation: string | null }> {
  const days = r.days ?? ROI_DEFAULT_DAYS;
  if (r.annotation) {
    if (r.baseline || r.current)
      throw invalidArgument('give either --annotation or --baseline and --current, not both', {
        field: 'annotation',
      });
    const a = await findAnnotation(store, r.annotation);
    const w = windowsAround(a.occurred_at, days, r.now);
    return { baseline: w.before, current: w.after, from: 'annotation', annotation: a.id };
  }
  if (r.baseline || r.current) {
    if (!r.baseline || !r.current)
      throw invalidArgument('give both --baseline START..END and --current START..END (or neither)', {
        field: r.baseline ? 'current' : 'baseline',
      });
    const w = explicitWindows(r.baseline, r.current, { before: '--baseline', after: '--current' });
    return { baseline: w.before, current: w.after, from: 'explicit', annotation: null };
  }
  if (!(days > 0) || !Number.isFinite(days))
    throw invalidArgument(`--days ${days}: give a positive number of days for each window, e.g. 28`, {
      field: 'days',
    });
  // The first and the last `days` of what is stored: the platform's start against today.
  const [s] = await store.query<{ a: Date | null; b: Date | null }>(
    `select min(t) as a, max(t) as b from (
       select min(created_at) as t from pipeline_runs union all select max(created_at) from pipeline_runs
       union all select min(started_at) from spans union all select max(started_at) from spans
       union all select min(opened_at) from incidents union all select max(opened_at) from incidents) x`,
  );
  const end = s?.b ? new Date(Math.min(new Date(s.b).getTime() + 1, r.now.getTime())) : r.now;
  const start = s?.a ? new Date(s.a) : new Date(end.getTime() - 2 * days * DAY);
  const length = Math.min(days * DAY, Math.max((end.getTime() - start.getTime()) / 2, DAY));
  return {
    baseline: windowOf(start, new Date(start.getTime() + length)),
    current: windowOf(new Date(end.getTime() - length), end),
    from: 'data',
    annotation: null,
  };
}

const stats = (n: number, perWeek: number, median: number | null): WindowStats => {
  const e: Estimate = { value: median, low: null, high: null };
  return { n, perWeek, mean: e, median: e, p90: e, p99: e };
};

/** One duration metric's median before and after, valued as impact's business case does. */
async function durationItem(
  store: Queryable,
  registry: MetricRegistry,
  d: (typeof ROI_DURATIONS)[number],
  w: { baseline: Window; current: Window },
  rate: number | null,
): Promise<LineItem | null> {
  const def = registry.list().find((x) => x.name === d.metric);
  if (!def || !('facts' in def)) return null;
  const read = async (win: Window) =>
    sortedCopy((await readFacts(store, def as FactsMetric, win, { by: null, where: {} })).map((f) => f.v));
  const [b, a] = await Promise.all([read(w.baseline), read(w.current)]);
  const before = side(b.length, w.baseline, quantileSorted(b, 0.5));
  const after = side(a.length, w.current, quantileSorted(a, 0.5));
  const change: Estimate = {
    value: before.median === null || after.median === null ? null : after.median - before.median,
    low: null,
    high: null,
  };
  const biz = businessImpact(def.unit, stats(after.n, after.perWeek, after.median), change, {
    developer_hour: rate,
    currency: 'USD',
  });
  const perUnit = hoursPerUnit(def.unit) ?? 0;
  return {
    id: d.id,
    title: d.title,
    source: `${d.metric}: median ${def.unit} per event in each window (its registry facts), ${d.why}; hours a year = (baseline median − current median) × current events per week × ${WEEKS_PER_YEAR}`,
    unit: def.unit,
    baseline: before,
    current: after,
    hoursPerEvent: change.value === null ? null : -change.value * perUnit,
    eventsPerWeek: after.perWeek,
    hoursPerYear: biz?.hoursPerYear.value ?? null,
    moneyPerYear: biz?.moneyPerYear?.value ?? null,
    note:
      !b.length || !a.length
        ? `no ${d.metric} events in the ${!b.length ? 'baseline' : 'current'} window`
        : '',
  };
}

async function incidentsItem(
  store: Queryable,
  w: { baseline: Window; current: Window },
  people: Input,
  rate: number | null,
): Promise<LineItem> {
  const read = (win: Window) =>
    store.query<{ opened_at: Date; resolved_at: Date | null }>(
      'select opened_at, resolved_at from incidents where opened_at >= $1 and opened_at < $2',
      [win.from, win.to],
    );
  const [b, a] = await Promise.all([read(w.baseline), read(w.current)]);
  const restore = sortedCopy(
    [...b, ...a]
      .filter((x) => x.resolved_at)
      .map((x) => (new Date(x.resolved_at!).getTime() - new Date(x.opened_at).getTime()) / 3_600_000),
  );
  const median = quantileSorted(restore, 0.5);
  const before = side(b.length, w.baseline, null);
  const after = side(a.length, w.current, null);
  const fewerPerYear = (before.perWeek - after.perWeek) * WEEKS_PER_YEAR;
  const perIncident = median === null || people.value === null ? null : median * people.value;
  const hoursPerYear = perIncident === null || (!b.length && !a.length) ? null : fewerPerYear * perIncident;
  return {
    id: 'incidents',
    title: 'Fewer incidents',
    source: `incidents table: incidents opened per week in each window; hours per incident = median time to restore over both windows (${median === null ? '—' : median.toFixed(2)} h) × people affected (${people.value ?? '—'}, ${people.detail})`,
    unit: 'incidents',
    baseline: { ...before, median },
    current: { ...after, median },
    hoursPerEvent: perIncident,
    eventsPerWeek: after.perWeek,
    hoursPerYear,
    moneyPerYear: hoursPerYear === null || rate === null ? null : hoursPerYear * rate,
    note: !b.length && !a.length ? 'no incidents in either window' : '',
  };
}

const measured = (value: number | null, detail: string): Input => ({
  value,
  source: value === null ? 'missing' : 'measured',
  detail,
});

/** The whole ROI: measured line items, the seed's calculator over them, and the panel's summary. */
export async function roiReport(
  store: Queryable,
  registry: MetricRegistry,
  costs: { developer_hour: number | null; currency: string; platform_investment_per_year: number | null },
  r: RoiRequest,
): Promise<RoiReport> {
  const o = r.overrides ?? {};
  for (const [k, v] of Object.entries(o))
    if (v !== undefined && !(Number.isFinite(v) && (v >= 0 || /ChangePct$/.test(k))))
      throw invalidArgument(`${k}: ${v} is not a number of at least 0`, { field: k });
  const w = await windowsFor(store, r);
  const pick = (key: keyof RoiOverrides, m: Input): Input =>
    o[key] !== undefined ? { value: o[key]!, source: 'flag', detail: `given, in place of: ${m.detail}` } : m;
  const developerHour = pick('developerHour', {
    value: costs.developer_hour,
    source: costs.developer_hour === null ? 'missing' : 'config',
    detail: 'costs.developer_hour',
  });
  const rate = developerHour.value;
  const [[devs], [team]] = await Promise.all([
    store.query<{ n: number }>(
      `select count(distinct author) as n from (${humanPrs('pr.author as author', 'pr.created_at >= $1 and pr.created_at < $2')}) x`,
      [w.current.from, w.current.to],
    ),
    store.query<{ people: number; teams: number }>(
      'select count(*) as people, count(distinct team) as teams from people where not is_bot and team is not null',
    ),
  ]);
  const developers = pick(
    'developers',
    measured(num(devs?.n) || null, 'people (not bots) who opened a pull request in the current window'),
  );
  const teamSize = num(team?.teams) ? num(team!.people)! / num(team!.teams)! : null;
  const people = pick('peoplePerIncident', measured(teamSize, 'the mean team size in people'));
  const items: LineItem[] = [];
  for (const d of ROI_DURATIONS) {
    const item = await durationItem(store, registry, d, w, rate);
    if (item) items.push(item);
  }
  items.push(await incidentsItem(store, w, people, rate));
  const ci = items.find((i) => i.id === 'ci_wait');
  const workDays = pick('workingDaysPerYear', {
    value: WORKING_DAYS_PER_YEAR,
    source: 'default',
    detail: '52 weeks × 5 days',
  });
  const workDaysInWindow = (w.current.days * 5) / 7;
  const ciHours = ci && ci.current.n ? await ciWaitHours(store, registry, w.current) : null;
  const lost = ciHours === null || !developers.value ? null : ciHours / developers.value / workDaysInWindow;
  const durationHours = items.filter((i) => i.id !== 'incidents').map((i) => i.hoursPerYear);
  const savedHours = durationHours.some((h) => h !== null)
    ? durationHours.reduce<number>((s, h) => s + (h ?? 0), 0)
    : null;
  const recovered =
    savedHours === null || !developers.value || !workDays.value
      ? null
      : savedHours / developers.value / workDays.value;
  const incidents = items.find((i) => i.id === 'incidents')!;
  const deploys = await deploysPerWeek(store, registry, w);
  const inputs: CalculatorInputs = {
    developers,
    hoursLostPerDeveloperDay: pick(
      'hoursLostPerDeveloperDay',
      measured(lost, 'CI run wall-clock hours in the current window / developers / its working days'),
    ),
    developerHour,
    ciInfraPerMonth: pick('ciInfraPerMonth', {
      value: null,
      source: 'missing',
      detail: 'not measured: --ci-infra-per-month',
    }),
    teamFtes: pick('teamFtes', { value: null, source: 'missing', detail: '--team-ftes' }),
    fteCost: pick('fteCost', { value: null, source: 'missing', detail: '--fte-cost' }),
    infraIncreasePerMonth: pick('infraIncreasePerMonth', {
      value: null,
      source: 'missing',
      detail: '--infra-increase-per-month',
    }),
    toolingPerYear: pick('toolingPerYear', { value: null, source: 'missing', detail: '--tooling-per-year' }),
    investmentPerYear: pick('investmentPerYear', {
      value: costs.platform_investment_per_year,
      source: costs.platform_investment_per_year === null ? 'missing' : 'config',
      detail: 'costs.platform_investment_per_year',
    }),
    hoursRecoveredPerDeveloperDay: pick(
      'hoursRecoveredPerDeveloperDay',
      measured(
        recovered,
        `hours a year saved on ${
          items
            .filter((i) => i.id !== 'incidents' && i.hoursPerYear !== null)
            .map((i) => i.id)
            .join(' and ') || 'nothing measured'
        } / developers / working days a year`,
      ),
    ),
    incidentHoursPerYear:
      o.hoursRecoveredPerDeveloperDay !== undefined
        ? { value: null, source: 'missing', detail: 'left out: --hours-recovered-per-day gives the savings' }
        : measured(
            incidents.hoursPerYear,
            'fewer incidents a year × median time to restore × people affected',
          ),
    deployFrequencyChangePct: pick(
      'deployFrequencyChangePct',
      measured(deploys, 'dora.deploys.count per week, current against baseline'),
    ),
    incidentChangePct: pick(
      'incidentChangePct',
      measured(
        incidents.baseline.perWeek > 0
          ? ((incidents.current.perWeek - incidents.baseline.perWeek) / incidents.baseline.perWeek) * 100
          : null,
        'incidents opened per week, current against baseline',
      ),
    ),
    workingDaysPerYear: workDays,
  };
  const calculation = calculate(inputs, costs.currency);
  const warnings: string[] = [];
  for (const i of items) if (i.note) warnings.push(`${i.title}: ${i.note}`);
  if (rate === null) warnings.push('no costs.developer_hour: values are in developer hours, not money');
  if (calculation.investment.total === null && rate !== null)
    warnings.push(
      'no investment (costs.platform_investment_per_year): ROI and break-even cannot be computed',
    );
  if (savedHours !== null && savedHours < 0)
    warnings.push('the measured durations got longer: the platform costs time in this period');
  return {
    windows: { baseline: w.baseline, current: w.current, from: w.from },
    annotation: w.annotation,
    items,
    inputs,
    calculation,
    sections: calculatorLines(inputs, calculation),
    summary: {
      currency: costs.currency,
      inHours: calculation.inHours,
      valuePerYear: calculation.inHours ? null : calculation.benefit.totalPerYear,
      hoursPerYear: calculation.benefit.hoursPerYear,
      investmentPerYear: calculation.investment.total,
      roiPercent: calculation.roiPercent,
      roiMultiple: calculation.roiMultiple,
      breakEvenMonths: calculation.breakEvenMonths,
      valueText: calculation.inHours
        ? `${calculation.benefit.hoursPerYear === null ? '—' : compactAmount(calculation.benefit.hoursPerYear)} hours/year`
        : `${money(calculation.benefit.totalPerYear, costs.currency, false, true)}/year`,
      investmentText:
        calculation.investment.total === null
          ? null
          : money(calculation.investment.total, costs.currency, false, true),
    },
    warnings,
  };
}

/** Hours of CI run wall-clock time in a window (the sum the seed's "time lost" stands for). */
async function ciWaitHours(store: Queryable, registry: MetricRegistry, w: Window): Promise<number | null> {
  const def = registry.list().find((d) => d.name === 'ci.runs.duration_p50_minutes');
  if (!def || !('facts' in def)) return null;
  const facts = await readFacts(store, def, w, { by: null, where: {} });
  return facts.reduce((s, f) => s + f.v, 0) / 60;
}

async function deploysPerWeek(
  store: Queryable,
  registry: MetricRegistry,
  w: { baseline: Window; current: Window },
): Promise<number | null> {
  if (!registry.list().some((d) => d.name === 'dora.deploys.count')) return null;
  const count = async (win: Window) =>
    ((await registry.compute(store, 'dora.deploys.count', { from: win.from, to: win.to }))[0]?.value ?? 0) /
    (win.days / 7);
  const [b, a] = await Promise.all([count(w.baseline), count(w.current)]);
  return b > 0 ? ((a - b) / b) * 100 : null;
}
