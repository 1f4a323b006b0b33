import type { MetricDefinition } from '../../metrics/registry/types.js';
import { bootstrapPair, type StatName } from './bootstrap.js';
import { businessImpact } from './business.js';
import type { Fact } from './facts.js';
import { shareOf } from './kind.js';
import { sortedCopy } from './quantile.js';
import { SeededRandom } from './random.js';
import { proportionTest, rankTest } from './tests.js';
import type { Comparison, MetricKind, ProportionChange, Window, WindowStats } from './types.js';
import { compareWeekdays } from './weekdays.js';

export interface CompareOptions {
  resamples: number;
  confidence: number;
  seed: number;
  minSample: number;
  costs: { developer_hour: number | null; currency: string };
}

/** The 0/1 facts of a rate metric in both windows: the analysed one, or a duration's success-rate sibling. */
export interface ShareFacts {
  def: MetricDefinition;
  before: readonly Fact[];
  after: readonly Fact[];
}

/** One before/after comparison of one group's events (all of them without `by`). */
export function compareWindows(
  def: MetricDefinition,
  kind: MetricKind,
  group: string | null,
  facts: { before: readonly Fact[]; after: readonly Fact[] },
  windows: { before: Window; after: Window },
  share: ShareFacts | null,
  o: CompareOptions,
): Comparison {
  const alpha = 1 - o.confidence;
  // Each group draws from its own stream, so adding a group never moves another's interval.
  const rng = new SeededRandom(o.seed, group ?? '');
  const b = sortedCopy(facts.before.map((f) => f.v));
  const a = sortedCopy(facts.after.map((f) => f.v));
  const boot = bootstrapPair(b, a, { resamples: o.resamples, confidence: o.confidence, rng });
  const stats = (side: 'before' | 'after', n: number, w: Window): WindowStats => ({
    n,
    perWeek: w.days > 0 ? (n * 7) / w.days : 0,
    mean: boot[side].mean,
    median: boot[side].median,
    p90: boot[side].p90,
    p99: boot[side].p99,
  });
  const before = stats('before', b.length, windows.before);
  const after = stats('after', a.length, windows.after);
  const change = (s: StatName) => ({ absolute: boot.absolute[s], percent: boot.percent[s] });
  const median = change('median');
  const warnings: string[] = [];
  const label = group === null ? '' : `${group}: `;
  for (const [side, s] of [
    ['before', before],
    ['after', after],
  ] as const)
    if (s.n < o.minSample)
      warnings.push(
        `${label}the ${side} window has ${s.n} events, fewer than the minimum sample of ${o.minSample} (--min-sample): intervals are wide and the test is weak`,
      );
  const rank = rankTest(b, a, alpha);
  const weekdays = compareWeekdays(facts.before, facts.after, median.absolute.value, {
    alpha,
    resamples: o.resamples,
    confidence: o.confidence,
    rng,
  });
  const adj = weekdays.adjusted;
  const excludesZero = (e: { low: number | null; high: number | null }) =>
    e.low !== null && e.high !== null && (e.low > 0 || e.high < 0);
  if (rank.significant && adj.value !== null && !excludesZero(adj))
    warnings.push(
      `${label}the change is not seen within weekdays: the same-weekday change is ${adj.value.toFixed(2)} ${def.unit} (interval ${adj.low?.toFixed(2)} to ${adj.high?.toFixed(2)}) against ${median.absolute.value?.toFixed(2)} overall, so a different mix of weekdays (seasonality), not the change, may explain it`,
    );
  else if (weekdays.holdsOnEveryWeekday === false && rank.significant)
    warnings.push(`${label}the median did not move the same way on ${weekdays.against.join(', ')}`);
  return {
    group,
    before,
    after,
    change: { median, p90: change('p90'), p99: change('p99'), mean: change('mean') },
    rankTest: rank,
    proportion: share ? proportionOf(share, group, alpha) : null,
    weekdays,
    business:
      kind === 'duration' && def.direction === 'lower_is_better'
        ? businessImpact(def.unit, after, median.absolute, o.costs)
        : null,
    warnings,
  };
}

function proportionOf(share: ShareFacts, group: string | null, alpha: number): ProportionChange {
  const { label, counted } = shareOf(share.def);
  const side = (facts: readonly Fact[]) => {
    const mine = facts.filter((f) => f.grp === group);
    const count = mine.filter((f) => f.v === counted).length;
    return { events: mine.length, count, rate: mine.length ? count / mine.length : null };
  };
  const before = side(share.before);
  const after = side(share.after);
  return {
    metric: share.def.name,
    label,
    before,
    after,
    changePoints: before.rate === null || after.rate === null ? null : (after.rate - before.rate) * 100,
    test: proportionTest(before, after, alpha),
  };
}
