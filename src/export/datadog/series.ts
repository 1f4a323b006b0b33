import { gzipSync } from 'node:zlib';
import { v2 } from '@datadog/datadog-api-client';
import { DAY_MS, type MetricSeriesSet } from '../metric-series.js';
import { MAX_COMPRESSED_BYTES } from './config.js';
import { categoryTag, datadogName, datadogTag, percentileTag, type DatadogNameOptions } from './names.js';

/** Pitwall's registry units that are Datadog units (https://docs.datadoghq.com/metrics/units/). */
const UNITS: Record<string, string> = {
  hours: 'hour',
  minutes: 'minute',
  seconds: 'second',
  milliseconds: 'millisecond',
  days: 'day',
  ratio: 'fraction',
  '%': 'percent',
};

/** One series as the v2 API takes it (`MetricSeries`), plain JSON in the API's field names. */
export interface DatadogSeries {
  metric: string;
  type: 1 | 3;
  interval?: number;
  unit?: string;
  tags: string[];
  points: { timestamp: number; value: number }[];
}

/**
 * The v2 series of one metric's set: counts as `count` (interval one day, so Datadog knows
 * each point is a day's total), everything else as `gauge`, percentiles with a `percentile:` tag.
 * Tags: the hybrid `category:`, the group's own (`team:payments`), and the configured extras.
 */
export function datadogSeries(
  set: MetricSeriesSet,
  opts: DatadogNameOptions & { tags?: readonly string[] },
): DatadogSeries[] {
  const metric = datadogName(set.definition.name, opts);
  const unit = UNITS[set.definition.unit];
  const base = [categoryTag(set.definition.name), ...(opts.tags ?? [])];
  if (set.kind === 'percentile' && set.quantile !== undefined) base.push(percentileTag(set.quantile));
  return set.series
    .filter((s) => s.points.length)
    .map((s) => ({
      metric,
      type: set.kind === 'count' ? 1 : 3,
      ...(set.kind === 'count' ? { interval: DAY_MS / 1000 } : {}),
      ...(unit ? { unit } : {}),
      tags: [...base, ...(s.group ? [datadogTag(s.group.by, s.group.value)] : [])].sort(),
      points: s.points.map((p) => ({
        timestamp: Math.floor(p.timestamp.getTime() / 1000),
        value: steady(p.value),
      })),
    }));
}

/**
 * 12 significant digits: a sum's last bits vary with the order the engine adds rows in, and a
 * re-run should send the same number, not one a unit in the last place away.
 */
const steady = (v: number) => Number(v.toPrecision(12));

/** A request body exactly as the official client serializes it (what it sends, what a dry run prints). */
export function serializePayload(series: readonly DatadogSeries[]): string {
  const body = Object.assign(new v2.MetricPayload(), { series });
  return JSON.stringify(v2.ObjectSerializer.serialize(body, 'MetricPayload', ''));
}

/**
 * Splits series into request bodies within the API's limits: at most `maxBytes` decompressed
 * and 500 KB gzip-compressed. A single series over the limit is split by its points.
 */
export function batchSeries(series: readonly DatadogSeries[], maxBytes: number): DatadogSeries[][] {
  const envelope = Buffer.byteLength(serializePayload([]));
  const sizeOf = (s: DatadogSeries) => Buffer.byteLength(JSON.stringify(s)) + 1;
  const pieces: DatadogSeries[] = [];
  for (const s of series) {
    if (envelope + sizeOf(s) <= maxBytes) {
      pieces.push(s);
      continue;
    }
    // Too many points for one request: the same series, its points in runs that fit.
    const head = sizeOf({ ...s, points: [] });
    let run: DatadogSeries['points'] = [];
    let size = envelope + head;
    for (const p of s.points) {
      const n = Buffer.byteLength(JSON.stringify(p)) + 1;
      if (run.length && size + n > maxBytes) {
        pieces.push({ ...s, points: run });
        run = [];
        size = envelope + head;
      }
      run.push(p);
      size += n;
    }
    if (run.length) pieces.push({ ...s, points: run });
  }
  const batches: DatadogSeries[][] = [];
  let cur: DatadogSeries[] = [];
  let size = envelope;
  for (const s of pieces) {
    const n = sizeOf(s);
    if (cur.length && size + n > maxBytes) {
      batches.push(cur);
      cur = [];
      size = envelope;
    }
    cur.push(s);
    size += n;
  }
  if (cur.length) batches.push(cur);
  return batches.flatMap(fitCompressed);
}

/** Halves a batch until its gzip body is within 500 KB (JSON compresses ~10x: rarely needed). */
function fitCompressed(batch: DatadogSeries[]): DatadogSeries[][] {
  if (batch.length < 2 || gzipSync(serializePayload(batch)).length <= MAX_COMPRESSED_BYTES) return [batch];
  const mid = Math.ceil(batch.length / 2);
  return [...fitCompressed(batch.slice(0, mid)), ...fitCompressed(batch.slice(mid))];
}
