/**
 * The cardinality guard for StatsD series: a tag key that is unbounded by nature (a branch, a
 * user, a sha) multiplies the series of every metric it is put on, and with them the rows the
 * warehouse keeps. Before a sample is aggregated, the guard drops the keys the policy drops,
 * buckets the keys it buckets (N hash buckets, or a regular-expression rewrite), and then caps the
 * distinct tag sets per metric: a tag set first seen past the cap is folded into the metric's one
 * overflow series `{other: "true"}`, so totals stay right and only the breakdown is lost. What it
 * did is counted per metric for the listener's health.
 *
 * It applies to series only: observers (the test-environment mapping) see each raw sample first.
 */
import { fnv1a } from '../../domain/fnv1a.js';

export type BucketRule = { buckets: number } | { pattern: string; replace: string };

export interface TagPolicy {
  /** Keys removed from every sample's tags. */
  drop: readonly string[];
  /** Keys whose value is replaced by its bucket (`bucket-3-of-16`) or by a rewrite. */
  bucket: Readonly<Record<string, BucketRule>>;
}

export interface GuardOptions {
  /** Distinct tag sets (after the policy) one metric may have; later new ones are folded. */
  maxTagSetsPerMetric: number;
  policy: TagPolicy;
}

/** The tags of the series every tag set past the cap is folded into. */
export const OVERFLOW_TAGS: readonly [string, string][] = [['other', 'true']];

export interface MetricGuardCounts {
  /** The stored metric name. */
  metric: string;
  /** Distinct tag sets admitted (at most the cap). */
  tagSets: number;
  /** Samples folded into the overflow series because their tag set came past the cap. */
  folded: number;
  /** Tags removed by the policy's `drop`, and the keys that were. */
  dropped: number;
  droppedKeys: string[];
  /** Tag values replaced by a bucket or a rewrite. */
  bucketed: number;
}

export interface GuardDecision {
  tags: readonly [string, string][];
  /** The keys dropped (one per tag removed). */
  dropped: readonly string[];
  bucketed: number;
  folded: boolean;
}

interface MetricState {
  sets: Set<string>;
  folded: number;
  dropped: number;
  droppedKeys: Set<string>;
  bucketed: number;
}

function compileRule(rule: BucketRule): (value: string) => string {
  if ('buckets' in rule) {
    const n = rule.buckets;
    return (v) => `bucket-${fnv1a(v) % n}-of-${n}`;
  }
  // The config checked the pattern compiles. Every match is rewritten; no match keeps the value.
  const re = new RegExp(rule.pattern, 'g');
  return (v) => v.replace(re, rule.replace);
}

const byPair = ([a, av]: [string, string], [b, bv]: [string, string]) =>
  a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0;

export class CardinalityGuard {
  private readonly drop: ReadonlySet<string>;
  private readonly rules: ReadonlyMap<string, (value: string) => string>;
  private readonly metrics = new Map<string, MetricState>();
  private readonly cap: number;

  constructor(options: GuardOptions) {
    if (!(Number.isInteger(options.maxTagSetsPerMetric) && options.maxTagSetsPerMetric >= 1))
      throw new RangeError('maxTagSetsPerMetric must be a positive integer');
    this.cap = options.maxTagSetsPerMetric;
    this.drop = new Set(options.policy.drop);
    this.rules = new Map(Object.entries(options.policy.bucket).map(([k, r]) => [k, compileRule(r)]));
  }

  /**
   * The tags a sample of `metric` is aggregated under (sorted pairs, as the parser gives them),
   * counted. The admitted sets are remembered for the life of the process, so a metric never
   * holds more than the cap plus its overflow series.
   */
  apply(metric: string, tags: readonly [string, string][]): readonly [string, string][] {
    const d = this.decide(metric, tags);
    this.record(metric, d);
    return d.tags;
  }

  /**
   * What the guard does to this tag set of this metric, without counting it. A decision stays
   * true for the life of the guard (admitted sets stay admitted; once the cap is reached it
   * stays reached), so a caller may keep it and `record` it for each later sample.
   */
  decide(metric: string, tags: readonly [string, string][]): GuardDecision {
    const st = this.state(metric);
    let out: [string, string][] | null = null;
    let dropped: string[] | null = null;
    let bucketed = 0;
    for (let i = 0; i < tags.length; i++) {
      const [k, v] = tags[i]!;
      if (this.drop.has(k)) {
        out ??= tags.slice(0, i) as [string, string][];
        (dropped ??= []).push(k);
        continue;
      }
      const rule = this.rules.get(k);
      if (rule) {
        out ??= tags.slice(0, i) as [string, string][];
        bucketed++;
        out.push([k, rule(v)]);
        continue;
      }
      out?.push([k, v]);
    }
    const kept: readonly [string, string][] = out ? out.sort(byPair) : tags;
    const key = kept.length === 0 ? '' : JSON.stringify(kept);
    let folded = false;
    if (!st.sets.has(key)) {
      if (st.sets.size < this.cap) st.sets.add(key);
      else folded = true;
    }
    return { tags: folded ? OVERFLOW_TAGS : kept, dropped: dropped ?? [], bucketed, folded };
  }

  /** Counts one sample under a decision of `decide`. */
  record(metric: string, d: GuardDecision): void {
    if (d.dropped.length === 0 && d.bucketed === 0 && !d.folded) return;
    const st = this.state(metric);
    st.dropped += d.dropped.length;
    for (const k of d.dropped) st.droppedKeys.add(k);
    st.bucketed += d.bucketed;
    if (d.folded) st.folded++;
  }

  private state(metric: string): MetricState {
    let st = this.metrics.get(metric);
    if (!st) {
      st = { sets: new Set(), folded: 0, dropped: 0, droppedKeys: new Set(), bucketed: 0 };
      this.metrics.set(metric, st);
    }
    return st;
  }

  /** Per metric, the metrics the guard changed something for (dropped, bucketed or folded). */
  counts(): MetricGuardCounts[] {
    const out: MetricGuardCounts[] = [];
    for (const [metric, st] of this.metrics) {
      if (st.folded === 0 && st.dropped === 0 && st.bucketed === 0) continue;
      out.push({
        metric,
        tagSets: st.sets.size,
        folded: st.folded,
        dropped: st.dropped,
        droppedKeys: [...st.droppedKeys].sort(),
        bucketed: st.bucketed,
      });
    }
    return out.sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
  }
}
