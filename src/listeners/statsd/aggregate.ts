/**
 * Aggregation of StatsD samples per flush interval, keyed by (name, sorted tags, interval start):
 * counters summed (each value scaled by 1 / sample rate), gauges last (deltas move the last value,
 * which survives flushes as StatsD servers keep it), sets distinct-counted, and timings,
 * histograms and distributions into a DDSketch (1% relative accuracy) beside exact
 * count/sum/min/max. A flush turns what was gathered into `metric_point` records.
 */
import { DDSketch } from '@datadog/sketches-js';
import type { CardinalityGuard, GuardDecision } from './guard.js';
import type { StatsdSample } from './parse.js';

/** The sketch's stated relative error: p50/p90/p99 are within 1% of the exact value. */
export const RELATIVE_ACCURACY = 0.01;
const QUANTILES: readonly [string, number][] = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p99', 0.99],
];

export interface MetricPointRecord {
  kind: 'metric_point';
  name: string;
  occurred_at: string;
  type: 'gauge' | 'count';
  value: number;
  tags: Record<string, string | boolean>;
}

/** The interval's mergeable sketch itself (the metric_sketch kind), for percentiles over long windows. */
export interface MetricSketchRecord {
  kind: 'metric_sketch';
  name: string;
  occurred_at: string;
  interval_seconds: number;
  tags: Record<string, string | boolean>;
  relative_accuracy: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  sketch: string;
}

export type StatsdRecord = MetricPointRecord | MetricSketchRecord;

type Cell =
  | { type: 'c'; sum: number }
  | { type: 'g'; last: number }
  | { type: 's'; members: Set<string> }
  | { type: 'sketch'; sketch: DDSketch; count: number; sum: number; min: number; max: number };

interface Entry {
  name: string;
  tags: Record<string, string | boolean>;
  bucketMs: number;
  cell: Cell;
  /** Changed since it was last flushed. */
  dirty: boolean;
  /** Removed from the aggregator (flushed and forgotten, or closed): a series' shortcut to it is stale. */
  gone: boolean;
}

/**
 * A stored metric name is lowercase, dotted, of [a-z0-9_] segments (the metric_point schema):
 * `Provision-Time` becomes `statsd.provision_time`. A name with no dot gets the `statsd.` prefix
 * so it still names its source.
 */
export function storedName(name: string): string | null {
  const segs = name
    .toLowerCase()
    .replace(/[^a-z0-9_.]/g, '_')
    .split('.')
    .filter((s) => s.length > 0);
  if (segs.length === 0) return null;
  return segs.length === 1 ? `statsd.${segs[0]}` : segs.join('.');
}

/** A bare tag `canary` is stored as `canary: true`; a key given twice keeps both values, comma-joined. */
function tagMap(tags: readonly [string, string][]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const [k, v] of tags) {
    const value: string | boolean = v === '' ? true : v;
    const prev = out[k];
    out[k] = prev === undefined ? value : `${String(prev)},${String(value)}`;
  }
  return out;
}

export interface AggregatorOptions {
  /** Interval length; points are stamped with the start of their interval. */
  intervalSeconds: number;
  /**
   * How long a flushed interval stays open to late samples (DogStatsD `|T` timestamps, or a flush
   * that fell mid-interval). Its cells are kept that long and re-flushed whole when a sample
   * lands in them, so the store's upsert by (name, interval, tags) holds the interval's total,
   * never just the late part. A sample older than the horizon is dropped and counted
   * (`lateDropped`). Unset: every flush emits and forgets everything, and nothing is late (a
   * one-shot replay of history, such as the demo's).
   */
  lateHorizonSeconds?: number;
  /** Tag policy and cap per metric, applied to series (see guard.ts). */
  guard?: CardinalityGuard;
}

/** What a sample's name and tags resolve to, kept per (raw name, tag array) for the hot path. */
interface Series {
  name: string;
  seriesKey: string;
  tags: Record<string, string | boolean>;
  decision: GuardDecision | null;
  /** The entry the last sample of this series went to: most samples go to the same one. */
  last: Entry | null;
}
const SERIES_CACHE_MAX = 100_000;
const NO_TAGS: [string, string][] = [];

export class StatsdAggregator {
  /**
   * Raw name -> the parser's (shared) tag array -> its series: at 100k lines/s, normalising the
   * name, guarding and keying the tags once per series instead of once per line is most of the
   * listener's cost. Cleared when it holds too many, which only costs recomputing.
   */
  private readonly series = new Map<string, Map<readonly [string, string][], Series | null>>();
  private seriesCount = 0;
  private readonly entries = new Map<string, Entry>();
  /** Last gauge value per (name, tags), kept across flushes so `+3` has something to move. */
  private readonly gauges = new Map<string, number>();
  private readonly intervalMs: number;
  private readonly horizonMs: number | null;
  private readonly guard: CardinalityGuard | null;
  /** What the last flush emitted, so a flush the store refused can be forgotten (see forgetLastFlush). */
  private lastFlushed: string[] = [];
  /** Samples whose name cannot be stored even after normalising (e.g. `...`). */
  unnamed = 0;
  /** Samples stamped before the lateness horizon: their interval is closed. */
  lateDropped = 0;

  constructor(options: AggregatorOptions) {
    if (!(options.intervalSeconds > 0)) throw new RangeError('intervalSeconds must be positive');
    this.intervalMs = options.intervalSeconds * 1000;
    const h = options.lateHorizonSeconds;
    if (h !== undefined && !(h >= 0)) throw new RangeError('lateHorizonSeconds must be >= 0');
    this.horizonMs = h === undefined ? null : h * 1000;
    this.guard = options.guard ?? null;
  }

  /** Adds one parsed sample; `nowMs` stamps samples that carry no client timestamp. */
  add(sample: StatsdSample, nowMs: number = Date.now()): void {
    const series = this.seriesOf(sample);
    if (!series) {
      this.unnamed++;
      return;
    }
    const atMs = sample.timestamp !== null ? sample.timestamp * 1000 : nowMs;
    if (this.horizonMs !== null && atMs < nowMs - this.horizonMs) {
      this.lateDropped++;
      return;
    }
    if (series.decision) this.guard!.record(series.name, series.decision);
    const { name, seriesKey } = series;
    const bucketMs = Math.floor(atMs / this.intervalMs) * this.intervalMs;
    const kind = sample.type === 'ms' || sample.type === 'h' || sample.type === 'd' ? 'sketch' : sample.type;
    const last = series.last;
    let entry: Entry | undefined;
    if (last && !last.gone && last.bucketMs === bucketMs) entry = last;
    else {
      const key = `${seriesKey}@${bucketMs}`;
      entry = this.entries.get(key);
      if (!entry) {
        entry = { name, tags: series.tags, bucketMs, cell: newCell(kind), dirty: true, gone: false };
        this.entries.set(key, entry);
      }
      series.last = entry;
    }
    if (entry.cell.type !== kind) {
      // One name sent as two types in one interval: the first type wins (as the Datadog agent does), the rest is dropped.
      return;
    }
    entry.dirty = true;
    const cell = entry.cell;
    switch (cell.type) {
      case 'c':
        for (const v of sample.values) cell.sum += v / sample.sampleRate;
        break;
      case 'g':
        for (const v of sample.values) {
          cell.last = sample.gaugeDelta ? (this.gauges.get(seriesKey) ?? 0) + v : v;
          this.gauges.set(seriesKey, cell.last);
        }
        break;
      case 's':
        for (const m of sample.setMembers) cell.members.add(m);
        break;
      case 'sketch':
        for (const v of sample.values) {
          // A sampled timing stands for 1 / rate timings: weight it so counts are not undercounted.
          const w = 1 / sample.sampleRate;
          cell.sketch.accept(v, w);
          cell.count += w;
          cell.sum += v * w;
          cell.min = Math.min(cell.min, v);
          cell.max = Math.max(cell.max, v);
        }
        break;
    }
  }

  private seriesOf(sample: StatsdSample): Series | null {
    const tagsKey = sample.tags.length ? sample.tags : NO_TAGS;
    let byTags = this.series.get(sample.name);
    const hit = byTags?.get(tagsKey);
    if (hit !== undefined) return hit;
    if (this.seriesCount >= SERIES_CACHE_MAX) {
      this.series.clear();
      this.seriesCount = 0;
      byTags = undefined;
    }
    if (!byTags) this.series.set(sample.name, (byTags = new Map()));
    const name = storedName(sample.name);
    let s: Series | null = null;
    if (name) {
      const decision = this.guard ? this.guard.decide(name, sample.tags) : null;
      const tags = decision ? decision.tags : sample.tags;
      s = { name, seriesKey: JSON.stringify([name, tags]), tags: tagMap(tags), decision, last: null };
    }
    byTags.set(tagsKey, s);
    this.seriesCount++;
    return s;
  }

  /** Cells held: those gathered since the last flush, and the flushed ones still open to late samples. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Every cell changed since the last flush as metric_point records (and a metric_sketch per
   * distribution), each with its interval's whole value so far: a cell flushed before and
   * changed by a late sample is emitted again, cumulative. Without a horizon the aggregator
   * then starts empty; with one, it keeps the cells of intervals that can still take samples
   * (those ending after `nowMs` minus the horizon).
   */
  flush(nowMs: number = Date.now()): StatsdRecord[] {
    const out: StatsdRecord[] = [];
    this.lastFlushed = [];
    for (const [key, entry] of this.entries) {
      if (!entry.dirty) continue;
      entry.dirty = false;
      this.lastFlushed.push(key);
      const { name, tags, bucketMs, cell } = entry;
      const at = new Date(bucketMs).toISOString();
      const point = (n: string, type: 'gauge' | 'count', value: number) =>
        out.push({ kind: 'metric_point', name: n, occurred_at: at, type, value, tags });
      switch (cell.type) {
        case 'c':
          point(name, 'count', cell.sum);
          break;
        case 'g':
          point(name, 'gauge', cell.last);
          break;
        case 's':
          point(name, 'gauge', cell.members.size);
          break;
        case 'sketch':
          if (cell.count === 0) break;
          point(`${name}.count`, 'count', cell.count);
          point(`${name}.sum`, 'count', cell.sum);
          point(`${name}.min`, 'gauge', cell.min);
          point(`${name}.max`, 'gauge', cell.max);
          for (const [suffix, q] of QUANTILES)
            point(`${name}.${suffix}`, 'gauge', cell.sketch.getValueAtQuantile(q));
          out.push({
            kind: 'metric_sketch',
            name,
            occurred_at: at,
            interval_seconds: this.intervalMs / 1000,
            tags,
            relative_accuracy: RELATIVE_ACCURACY,
            count: cell.count,
            sum: cell.sum,
            min: cell.min,
            max: cell.max,
            sketch: Buffer.from(cell.sketch.toProto()).toString('base64'),
          });
          break;
      }
    }
    if (this.horizonMs === null) {
      for (const e of this.entries.values()) e.gone = true;
      this.entries.clear();
    } else {
      const closedBefore = nowMs - this.horizonMs;
      for (const [key, e] of this.entries)
        if (e.bucketMs + this.intervalMs <= closedBefore) {
          e.gone = true;
          this.entries.delete(key);
        }
    }
    return out;
  }

  /**
   * The store refused the last flush: its cells are dropped (their points are lost and the
   * listener counts them), so a later sample of the same interval starts from nothing instead of
   * re-sending what was counted as lost.
   */
  forgetLastFlush(): void {
    for (const key of this.lastFlushed) {
      const e = this.entries.get(key);
      if (e) e.gone = true;
      this.entries.delete(key);
    }
    this.lastFlushed = [];
  }
}

function newCell(kind: 'c' | 'g' | 's' | 'sketch'): Cell {
  switch (kind) {
    case 'c':
      return { type: 'c', sum: 0 };
    case 'g':
      return { type: 'g', last: 0 };
    case 's':
      return { type: 's', members: new Set() };
    case 'sketch':
      return {
        type: 'sketch',
        sketch: new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY }),
        count: 0,
        sum: 0,
        min: Infinity,
        max: -Infinity,
      };
  }
}
