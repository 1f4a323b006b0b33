/**
 * Aggregation of StatsD samples per flush interval, keyed by (name, sorted tags, interval start):
 * counters summed (each value scaled by 1 / sample rate), gauges last (deltas move the last value,
 * which survives flushes as StatsD servers keep it), sets distinct-counted, and timings,
 * histograms and distributions into a DDSketch (1% relative accuracy) beside exact
 * count/sum/min/max. A flush turns what was gathered into `metric_point` records.
 */
import { DDSketch } from '@datadog/sketches-js';
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
}

export class StatsdAggregator {
  private readonly entries = new Map<string, Entry>();
  /** Last gauge value per (name, tags), kept across flushes so `+3` has something to move. */
  private readonly gauges = new Map<string, number>();
  private readonly intervalMs: number;
  /** Samples whose name cannot be stored even after normalising (e.g. `...`). */
  unnamed = 0;

  constructor(options: AggregatorOptions) {
    if (!(options.intervalSeconds > 0)) throw new RangeError('intervalSeconds must be positive');
    this.intervalMs = options.intervalSeconds * 1000;
  }

  /** Adds one parsed sample; `nowMs` stamps samples that carry no client timestamp. */
  add(sample: StatsdSample, nowMs: number = Date.now()): void {
    const name = storedName(sample.name);
    if (!name) {
      this.unnamed++;
      return;
    }
    const atMs = sample.timestamp !== null ? sample.timestamp * 1000 : nowMs;
    const bucketMs = Math.floor(atMs / this.intervalMs) * this.intervalMs;
    const seriesKey = JSON.stringify([name, sample.tags]);
    const key = `${seriesKey}@${bucketMs}`;
    const kind = sample.type === 'ms' || sample.type === 'h' || sample.type === 'd' ? 'sketch' : sample.type;
    let entry = this.entries.get(key);
    if (entry && entry.cell.type !== kind) {
      // One name sent as two types in one interval: the first type wins (as the Datadog agent does), the rest is dropped.
      return;
    }
    if (!entry) {
      entry = { name, tags: tagMap(sample.tags), bucketMs, cell: newCell(kind) };
      this.entries.set(key, entry);
    }
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

  /** Series gathered since the last flush. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Everything gathered so far as metric_point records (and a metric_sketch per distribution);
   * the aggregator starts empty again.
   */
  flush(): StatsdRecord[] {
    const out: StatsdRecord[] = [];
    for (const { name, tags, bucketMs, cell } of this.entries.values()) {
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
    this.entries.clear();
    return out;
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
