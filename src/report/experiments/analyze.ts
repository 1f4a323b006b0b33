import { groupText, inWindow } from '../../metrics/registry/fragments.js';
import { withheldReason } from '../../metrics/registry/privacy.js';
import type { MetricRegistry } from '../../metrics/registry/registry.js';
import type { FactsMetric, MetricDefinition } from '../../metrics/registry/types.js';
import type { Queryable } from '../../store/store.js';
import { hoursPerUnit } from '../impact/kind.js';
import { mean, quantileSorted, sortedCopy } from '../impact/quantile.js';
import { SeededRandom } from '../impact/random.js';
import type { Estimate } from '../impact/types.js';
import { armOf, HASH_RULE } from './cohort.js';
import type { ExperimentsConfig } from './config.js';
import { recommend } from './recommend.js';
import {
  compareMeans,
  compareMedians,
  compareRates,
  powerOf,
  type Comparison,
  type Stratum,
} from './stats.js';
import type { Arm, Experiment, ExperimentResults, MetricResult, ResultKind } from './types.js';

interface FactRow {
  v: number | string;
  team: string | null;
  person: string | null;
}

const none: Estimate = { value: null, low: null, high: null };

/** Which comparison fits the metric's values (see types.ts ResultKind). */
export function resultKindOf(def: MetricDefinition, values: readonly number[]): ResultKind {
  if (hoursPerUnit(def.unit) !== null) return 'median';
  if ('aggregate' in def && /percentile_cont|median\(/i.test(def.aggregate)) return 'median';
  if (def.unit === 'ratio' && values.every((v) => v === 0 || v === 1)) return 'rate';
  return 'mean';
}

/** Members per team (people, not bots): the people behind a team arm of a metric without a person column. */
async function teamSizes(store: Queryable): Promise<Map<string, number>> {
  const rows = await store.query<{ team: string; n: number | bigint }>(
    `select team, count(*) as n from people where team is not null and not is_bot group by team`,
  );
  return new Map(rows.map((r) => [r.team, Number(r.n)]));
}

/**
 * The experiment's results over its window (start to its end, or now): per metric, the metric's
 * own facts rows split into treatment and control by the cohort, compared with the test that
 * fits the metric, with the power to detect the hypothesised effect and a recommendation.
 */
export async function analyzeExperiment(
  store: Queryable,
  registry: MetricRegistry,
  cfg: ExperimentsConfig,
  e: Experiment,
  now: Date,
): Promise<ExperimentResults> {
  const alpha = e.alpha ?? cfg.alpha;
  const to = new Date(Math.min(e.endedAt?.getTime() ?? now.getTime(), now.getTime()));
  const window = { from: e.startedAt, to };
  const method = {
    resamples: cfg.resamples,
    seed: cfg.seed,
    power: cfg.power,
    minSample: cfg.min_sample,
    hash: HASH_RULE,
  };
  const base = { experiment: e, window, alpha, method };
  if (!e.cohort)
    return {
      ...base,
      results: [],
      recommendation: null,
      warnings: [
        'recorded without a cohort: there is no control to compare with (for a before/after comparison see pitwall impact)',
      ],
    };
  if (!(window.from < window.to))
    return {
      ...base,
      results: [],
      recommendation: null,
      warnings: ['not started yet: no results before its start'],
    };
  const sizes = e.cohort.type === 'teams' || e.control.type === 'teams' ? await teamSizes(store) : null;
  const results: MetricResult[] = [];
  const warnings: string[] = [];
  for (const name of e.metrics) {
    const def = registry.list().find((d) => d.name === name);
    if (!def || !('facts' in def)) {
      warnings.push(`metric ${name} ${def ? 'has no per-event values' : 'is not in the registry'}: left out`);
      continue;
    }
    results.push(await metricResult(store, registry.minGroupSize, cfg, e, def, window, alpha, sizes));
  }
  return { ...base, results, recommendation: recommend(e, results, cfg, now), warnings };
}

async function metricResult(
  store: Queryable,
  minGroupSize: number,
  cfg: ExperimentsConfig,
  e: Experiment,
  def: FactsMetric,
  window: { from: Date; to: Date },
  alpha: number,
  sizes: Map<string, number> | null,
): Promise<MetricResult> {
  const hasTeam = def.groupBy.includes('team');
  const rows = await store.query<FactRow>(
    `with f as (${def.facts})
     select cast(v as double precision) as v, ${hasTeam ? groupText('team') : 'cast(null as text)'} as team,
       ${def.person ? `cast(${def.person} as text)` : 'cast(null as text)'} as person
     from f where ${inWindow()} and v is not null`,
    [window.from, window.to],
  );
  const cohort = e.cohort!;
  const byTeam = new Map<string, Stratum>();
  const people = { control: new Set<string>(), treatment: new Set<string>() };
  const teams = { control: new Set<string>(), treatment: new Set<string>() };
  for (const r of rows) {
    const v = Number(r.v);
    if (!Number.isFinite(v)) continue;
    const arm = armOf(e.id, cohort, e.control, r);
    if (!arm) continue;
    const key = r.team ?? '';
    const s = byTeam.get(key) ?? { control: [], treatment: [] };
    s[arm].push(v);
    byTeam.set(key, s);
    if (r.person !== null) people[arm].add(r.person);
    if (r.team !== null) teams[arm].add(r.team);
  }
  const strata = [...byTeam.values()];
  const values = { control: strata.flatMap((s) => s.control), treatment: strata.flatMap((s) => s.treatment) };
  const kind = resultKindOf(def, [...values.control, ...values.treatment]);
  const headcount = (arm: 'control' | 'treatment') =>
    def.person ? people[arm].size : [...teams[arm]].reduce((n, t) => n + (sizes?.get(t) ?? 0), 0);
  const armOfValues = (arm: 'control' | 'treatment'): Arm => {
    const xs = values[arm];
    const n = headcount(arm);
    const withheld = withheldReason(n, minGroupSize);
    const value = !xs.length ? null : kind === 'median' ? quantileSorted(sortedCopy(xs), 0.5) : mean(xs);
    return { events: xs.length, people: n, value: withheld ? null : value, withheld };
  };
  const control = armOfValues('control');
  const treatment = armOfValues('treatment');
  const warnings: string[] = [];
  // Within teams when people (not teams) were assigned and the metric knows each row's team.
  const stratify = cohort.type !== 'teams' && hasTeam && kind !== 'rate';
  const compared = stratify ? strata.filter((s) => s.control.length >= 2 && s.treatment.length >= 2) : [];
  if (stratify && compared.length < strata.length)
    warnings.push(
      `${strata.length - compared.length} of ${strata.length} teams have fewer than 2 events in an arm and are left out of the within-team comparison`,
    );
  const withheld = control.withheld ?? treatment.withheld;
  const result: MetricResult = {
    metric: def.name,
    title: def.title,
    unit: def.unit,
    direction: def.direction,
    kind,
    control,
    treatment,
    percent: none,
    absolute: none,
    test: { name: testName(kind), statistic: null, pValue: null },
    significant: false,
    stratified: stratify && compared.length > 1,
    improved: null,
    power: null,
    warnings,
  };
  if (withheld) {
    warnings.push(
      `${control.withheld ? 'control' : 'treatment'} ${withheld}; its comparison is withheld too`,
    );
    return result;
  }
  for (const [arm, a] of [
    ['control', control],
    ['treatment', treatment],
  ] as const)
    if (a.events < cfg.min_sample)
      warnings.push(
        `${arm} has ${a.events} events, fewer than experiments.min_sample (${cfg.min_sample}): too few to read`,
      );
  if (!control.events || !treatment.events) return result;
  if (cohort.type === 'teams')
    warnings.push(
      'teams were assigned as a whole: the difference includes whatever else differs between the teams, not only the treatment',
    );
  const use = result.stratified ? compared : [{ control: values.control, treatment: values.treatment }];
  const rng = new SeededRandom(cfg.seed, `${e.id}:${def.name}`);
  const c: Comparison =
    kind === 'median'
      ? compareMedians(use, { alpha, resamples: cfg.resamples, rng })
      : kind === 'rate'
        ? compareRates(use, { alpha })
        : compareMeans(use, { alpha });
  result.percent = c.percent;
  result.absolute = c.absolute;
  result.test = c.test;
  result.significant = c.test.pValue !== null && c.test.pValue < alpha;
  const d = c.percent.value;
  result.improved = d === null || d === 0 ? null : d < 0 === (def.direction === 'lower_is_better');
  const expected = e.expected[def.name];
  if (expected !== undefined) {
    result.power = powerOf(kind, expected, {
      alpha,
      target: cfg.power,
      nc: control.events,
      nt: treatment.events,
      sd: c.sd,
      controlValue: control.value,
    });
    const p = result.power;
    if (p && p.power < cfg.power)
      warnings.push(
        `too small to detect the hypothesised ${signed(expected)}%: power ${Math.round(p.power * 100)}% (experiments.power ${Math.round(cfg.power * 100)}%)` +
          (p.requiredPerArm !== null ? `; about ${p.requiredPerArm} events per arm are needed` : '') +
          (p.detectablePercent !== null
            ? `; the smallest change these arms detect is ${signed(round1(p.detectablePercent))}%`
            : ''),
      );
  }
  return result;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
export const signed = (x: number) => (x > 0 ? `+${x}` : String(x));

export function testName(kind: ResultKind): string {
  if (kind === 'median') return 'kruskal-wallis (mann-whitney u) + bootstrap of the median';
  if (kind === 'rate') return 'chi-square 2x2 (two-proportion)';
  return "welch's t-test";
}
