import type { RecordInput } from '../../domain/records.js';
import { metricName } from './names.js';
import { QUANTILES, explicitQuantiles, exponentialQuantiles } from './quantiles.js';
import type { Mapped } from './spans.js';
import type { ExportMetricsRequest, Int64, KeyValue, Metric } from './types.js';
import { attributes, count, instantOf, type Attributes } from './values.js';

type Point = RecordInput<'metric_point'>;
const DELTA = 1;
/** DataPointFlags.NO_RECORDED_VALUE: the point marks a gap, it has no value. */
const NO_VALUE = 1;

/**
 * OTLP metrics as `metric_point` records, tagged with the point's attributes and the resource's
 * service.name:
 * - gauge: a gauge;
 * - sum: delta temporality (increments) a count, summable over any window; cumulative (running
 *   totals) a gauge of the total as reported;
 * - histogram and exponential histogram: NAME.count and NAME.sum (count or gauge, as for sums),
 *   NAME.min and NAME.max when the point has them, and NAME.p50/.p90/.p99 estimated from the
 *   buckets (quantiles.ts), as gauges;
 * - summary: NAME.count, NAME.sum and the quantiles it carries (NAME.p50 for 0.5, min and max
 *   for 0 and 1).
 * Points with no recorded value are skipped; points whose value is not finite, or whose time is
 * missing, and metrics whose name leaves nothing usable, are rejected (partial success).
 */
export function mapMetrics(req: ExportMetricsRequest): Mapped {
  const records: Point[] = [];
  let rejected = 0;
  const reasons = new Set<string>();
  const reject = (n: number, why: string) => {
    rejected += n;
    reasons.add(why);
  };
  for (const rm of req.resourceMetrics ?? []) {
    const resource = attributes(rm.resource?.attributes);
    const service = resource['service.name'];
    const baseTags: Attributes = service !== undefined && service !== null ? { 'service.name': service } : {};
    for (const sm of rm.scopeMetrics ?? [])
      for (const m of sm.metrics ?? []) {
        const raw = m.name ?? '';
        const name = metricName(raw);
        if (!name) {
          reject(pointCount(m), `metric name ${JSON.stringify(raw)} has no letters or digits`);
          continue;
        }
        const emit = (p: { attributes?: KeyValue[] | null; timeUnixNano?: Int64; flags?: number | null }) => {
          if ((p.flags ?? 0) & NO_VALUE) return null;
          const at = instantOf(p.timeUnixNano);
          if (!at) {
            reject(1, `a point of ${raw} has no timeUnixNano`);
            return null;
          }
          const tags = { ...baseTags, ...attributes(p.attributes) };
          return (suffix: string, type: Point['type'], value: number | null | undefined) => {
            if (value === null || value === undefined) return;
            if (!Number.isFinite(value)) {
              reject(1, `a point of ${raw} is not a finite number`);
              return;
            }
            records.push({
              kind: 'metric_point',
              name: suffix ? `${name}.${suffix}` : name,
              occurred_at: at,
              type,
              value,
              tags,
            });
          };
        };
        if (m.gauge)
          for (const p of m.gauge.dataPoints ?? []) emit(p)?.('', 'gauge', numberOf(p.asDouble, p.asInt));
        else if (m.sum) {
          const type = m.sum.aggregationTemporality === DELTA ? 'count' : 'gauge';
          for (const p of m.sum.dataPoints ?? []) emit(p)?.('', type, numberOf(p.asDouble, p.asInt));
        } else if (m.histogram) {
          const type = m.histogram.aggregationTemporality === DELTA ? 'count' : 'gauge';
          for (const p of m.histogram.dataPoints ?? []) {
            const put = emit(p);
            if (!put) continue;
            const counts = (p.bucketCounts ?? []).map(count);
            put('count', type, count(p.count));
            put('sum', type, p.sum);
            put('min', 'gauge', p.min);
            put('max', 'gauge', p.max);
            const qs = explicitQuantiles(
              counts,
              p.explicitBounds ?? [],
              p.min ?? undefined,
              p.max ?? undefined,
            );
            for (const [label] of QUANTILES) put(label, 'gauge', qs[label]);
          }
        } else if (m.exponentialHistogram) {
          const type = m.exponentialHistogram.aggregationTemporality === DELTA ? 'count' : 'gauge';
          for (const p of m.exponentialHistogram.dataPoints ?? []) {
            const put = emit(p);
            if (!put) continue;
            put('count', type, count(p.count));
            put('sum', type, p.sum);
            put('min', 'gauge', p.min);
            put('max', 'gauge', p.max);
            const qs = exponentialQuantiles({
              scale: p.scale ?? 0,
              zeroCount: count(p.zeroCount),
              positive: {
                offset: p.positive?.offset ?? 0,
                counts: (p.positive?.bucketCounts ?? []).map(count),
              },
              negative: {
                offset: p.negative?.offset ?? 0,
                counts: (p.negative?.bucketCounts ?? []).map(count),
              },
              min: p.min ?? undefined,
              max: p.max ?? undefined,
            });
            for (const [label] of QUANTILES) put(label, 'gauge', qs[label]);
          }
        } else if (m.summary) {
          for (const p of m.summary.dataPoints ?? []) {
            const put = emit(p);
            if (!put) continue;
            put('count', 'gauge', count(p.count));
            put('sum', 'gauge', p.sum);
            for (const qv of p.quantileValues ?? []) {
              put(quantileLabel(qv.quantile ?? 0), 'gauge', qv.value);
            }
          }
        } else
          reject(0, `metric ${raw} has no data (gauge, sum, histogram, exponential histogram or summary)`);
      }
  }
  return { records, rejected, warnings: [...reasons] };
}

/** A summary's quantile as a name part: 0.5 -> p50, 0.999 -> p99_9, 0 -> min, 1 -> max. */
export function quantileLabel(q: number): string {
  if (q <= 0) return 'min';
  if (q >= 1) return 'max';
  const pct = Math.round(q * 1000) / 10;
  return `p${String(pct).replace('.', '_')}`;
}

function numberOf(d: number | null | undefined, i: Int64): number | null {
  if (d !== null && d !== undefined) return d;
  if (i !== null && i !== undefined) return count(i);
  return null;
}

function pointCount(m: Metric): number {
  return (
    (m.gauge?.dataPoints?.length ?? 0) +
    (m.sum?.dataPoints?.length ?? 0) +
    (m.histogram?.dataPoints?.length ?? 0) +
    (m.exponentialHistogram?.dataPoints?.length ?? 0) +
    (m.summary?.dataPoints?.length ?? 0)
  );
}
