import { invalidArgument } from '../../errors/errors.js';
import type { MetricRegistry } from '../../metrics/registry/registry.js';
import type { FactsMetric } from '../../metrics/registry/types.js';
import type { Queryable } from '../../store/store.js';
import { findAnnotation } from './annotations.js';
import { compareWindows, type ShareFacts } from './compare.js';
import { confoundersOf } from './confounders.js';
import { checkGroups, readFacts, type Fact } from './facts.js';
import { factsMetricOf, kindOf } from './kind.js';
import { PROPORTION_TEST, RANK_TEST } from './tests.js';
import type { AnnotationRow, ImpactReport, Window } from './types.js';
import { MIN_PER_WEEKDAY } from './weekdays.js';
import { DEFAULT_WINDOW_DAYS, explicitWindows, windowsAround } from './windows.js';

export const DEFAULTS = { resamples: 2000, confidence: 0.95, seed: 1, minSample: 30 } as const;
/** The group of events whose group-by column is null, when comparing per group. */
export const NO_GROUP = '(none)';

export interface ImpactRequest {
  metric: string;
  /** Compare `days` before and after this annotation's date ... */
  annotation?: string | null;
  days?: number;
  /** ... or these two windows. */
  before?: Window | null;
  after?: Window | null;
  by?: string | null;
  /** Only events whose group-by columns have these values, e.g. { phase: 'testenv.kubernetes' }. */
  where?: Record<string, string>;
  resamples?: number;
  confidence?: number;
  seed?: number;
  minSample?: number;
  /** Where the default windows end at the latest (the CLI's now, the server's clock). */
  now: Date;
}

function checkNumbers(r: ImpactRequest) {
  const bad = (field: string, why: string) => invalidArgument(`${field}: ${why}`, { field });
  if (
    r.resamples !== undefined &&
    !(Number.isInteger(r.resamples) && r.resamples >= 100 && r.resamples <= 20_000)
  )
    throw bad(
      'resamples',
      `${r.resamples} is not a whole number from 100 to 20000 (default ${DEFAULTS.resamples})`,
    );
  if (r.confidence !== undefined && !(r.confidence >= 0.5 && r.confidence < 1))
    throw bad('confidence', `${r.confidence} is not a level from 0.5 to below 1, e.g. 0.95`);
  if (r.seed !== undefined && !Number.isSafeInteger(r.seed))
    throw bad('seed', `${r.seed} is not a whole number`);
  if (r.minSample !== undefined && !(Number.isInteger(r.minSample) && r.minSample >= 1))
    throw bad('min-sample', `${r.minSample} is not a whole number of events of at least 1, e.g. 30`);
}

async function windowsOf(
  store: Queryable,
  r: ImpactRequest,
): Promise<{ annotation: AnnotationRow | null; before: Window; after: Window; notes: string[] }> {
  const explicit = Boolean(r.before || r.after);
  if (r.annotation && explicit)
    throw invalidArgument('give either --annotation or --before and --after, not both', {
      field: 'annotation',
    });
  if (r.annotation) {
    const annotation = await findAnnotation(store, r.annotation);
    const days = r.days ?? DEFAULT_WINDOW_DAYS;
    const w = windowsAround(annotation.occurred_at, days, r.now);
    const notes = w.shortened
      ? [
          `the annotation is ${w.after.days.toFixed(1)} days old: both windows were shortened from ${days} to ${w.after.days.toFixed(1)} days so they stay equal`,
        ]
      : [];
    return { annotation, before: w.before, after: w.after, notes };
  }
  if (!r.before || !r.after)
    throw invalidArgument(
      'say what to compare: --annotation ID (windows of --days on each side of its date), or both --before START..END and --after START..END (in the API: annotation=, days=, before=, after=)',
      { field: r.before ? 'after' : 'before' },
    );
  const w = explicitWindows(r.before, r.after);
  const notes =
    Math.abs(w.before.days - w.after.days) > 1 / 24
      ? [
          `the windows differ in length (${w.before.days.toFixed(1)} and ${w.after.days.toFixed(1)} days): events per week are compared, counts are not`,
        ]
      : [];
  return { annotation: null, ...w, notes };
}

const DAY = 86_400_000;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A window whose events start well after it opens (or stop well before it closes) holds less
 * data than its length says: usually the data's own start or end, so the windows are unequal.
 */
function coverage(
  before: readonly Fact[],
  after: readonly Fact[],
  w: { before: Window; after: Window },
): string[] {
  // A weekend (Friday evening to Monday morning) is no gap in the data: allow 4 days, or 15%.
  const slack = (x: Window) => Math.max(4 * DAY, 0.15 * x.days * DAY);
  const out: string[] = [];
  const first = before[0]!.ts.getTime() - w.before.from.getTime();
  if (first > slack(w.before))
    out.push(
      `the before window's first event is ${(first / DAY).toFixed(1)} days after it opens (${before[0]!.ts.toISOString()}): the data may start there, so the windows are not equal; shorten them (--days, days=)`,
    );
  const last = w.after.to.getTime() - after[after.length - 1]!.ts.getTime();
  if (last > slack(w.after))
    out.push(
      `the after window's last event is ${(last / DAY).toFixed(1)} days before it closes: the data may end there, so its events per week are understated; shorten the windows (--days, days=)`,
    );
  return out;
}

/** The success-rate sibling of a duration metric (testenv.provision.duration_p50_minutes → testenv.provision.success_rate). */
function siblingRate(
  registry: MetricRegistry,
  def: FactsMetric,
  by: string | null,
  where: Record<string, string>,
): FactsMetric | null {
  const [service, category] = def.name.split('.');
  const d = registry.list().find((x) => x.name === `${service}.${category}.success_rate`);
  if (!d || !('facts' in d)) return null;
  const cols = [...(by ? [by] : []), ...Object.keys(where)];
  return cols.every((c) => d.groupBy.includes(c)) ? d : null;
}

/**
 * Before/after impact of a change on one registry metric: the metric's events (its facts) in
 * two windows, each window's median, p90, p99 and mean with bootstrap intervals, the change,
 * a rank test, the failure-rate change, the same-weekday comparison, the business impact and
 * what else changed in the windows. See docs/impact.md.
 */
export async function impactAnalysis(
  store: Queryable,
  registry: MetricRegistry,
  costs: { developer_hour: number | null; currency: string },
  r: ImpactRequest,
): Promise<ImpactReport> {
  const def = factsMetricOf(registry, r.metric);
  const by = r.by ?? null;
  const where = r.where ?? {};
  checkGroups(def, by, where);
  checkNumbers(r);
  const o = {
    resamples: r.resamples ?? DEFAULTS.resamples,
    confidence: r.confidence ?? DEFAULTS.confidence,
    seed: r.seed ?? DEFAULTS.seed,
    minSample: r.minSample ?? DEFAULTS.minSample,
    costs,
  };
  const { annotation, before, after, notes } = await windowsOf(store, r);
  const windows = { before, after };
  const read = async (d: FactsMetric, w: Window): Promise<Fact[]> =>
    (await readFacts(store, d, w, { by, where })).map((f) =>
      by && f.grp === null ? { ...f, grp: NO_GROUP } : f,
    );
  const [fb, fa] = await Promise.all([read(def, before), read(def, after)]);
  const filters = Object.keys(where).length
    ? ` with ${Object.entries(where)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`
    : '';
  for (const [side, facts, w] of [
    ['before', fb, before],
    ['after', fa, after],
  ] as const)
    if (!facts.length)
      throw invalidArgument(
        `no events of ${def.name}${filters} in the ${side} window (${w.from.toISOString()} to ${w.to.toISOString()}): widen it (${annotation ? '--days, days=' : `--${side}, ${side}=`}) or check the filters and that data was collected then`,
        { field: annotation ? 'days' : side },
      );
  const kind = kindOf(
    def,
    [...fb, ...fa].map((f) => f.v),
  );
  let share: ShareFacts | null = null;
  if (kind === 'ratio') share = { def, before: fb, after: fa };
  else if (kind === 'duration') {
    const rate = siblingRate(registry, def, by, where);
    if (rate) share = { def: rate, before: await read(rate, before), after: await read(rate, after) };
  }
  const groups = by ? [...new Set([...fb, ...fa].map((f) => f.grp!))].sort() : [null];
  const comparisons = groups.map((g) =>
    compareWindows(
      def,
      kind,
      g,
      { before: fb.filter((f) => f.grp === g), after: fa.filter((f) => f.grp === g) },
      windows,
      share,
      o,
    ),
  );
  const confounders = await confoundersOf(store, windows, {
    exclude: annotation?.id ?? null,
    repo: where.repo ?? null,
  });
  const warnings = [...notes, ...coverage(fb, fa, windows)];
  if (annotation?.metric && annotation.metric !== def.name)
    warnings.push(`annotation ${annotation.id} names metric ${annotation.metric}, not ${def.name}`);
  if (confounders.annotations.length || confounders.deployments.total)
    warnings.push(
      `other changes fall inside the windows (${plural(confounders.annotations.length, 'annotation')}, ${plural(confounders.deployments.total, 'deployment')}): check them before crediting the change`,
    );
  return {
    metric: { name: def.name, title: def.title, unit: def.unit, direction: def.direction, kind },
    annotation,
    windows,
    by,
    where,
    method: {
      resamples: o.resamples,
      confidence: o.confidence,
      seed: o.seed,
      minSample: o.minSample,
      rankTest: RANK_TEST,
      proportionTest: PROPORTION_TEST,
      weekdays: `UTC weekdays with at least ${MIN_PER_WEEKDAY} events in both windows; the same-weekday change weights each by its events`,
    },
    comparisons,
    confounders,
    warnings: [...warnings, ...comparisons.flatMap((c) => c.warnings)],
  };
}
