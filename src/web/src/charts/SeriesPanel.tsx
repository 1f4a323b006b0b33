import { useMemo } from 'react';
import { api } from '../api.js';
import { Chart, type ChartOption } from '../components/Chart.js';
import { Panel } from '../components/Panel.js';
import { useLoad, useRegistry } from '../data.js';
import { metricQuery, useFilters } from '../filters.js';
import { show, withheldShort } from '../format.js';
import type { MetricInfo, MetricPoint } from '../types.js';

interface SeriesProps {
  title: string;
  /** Several metrics as one series each, or one metric split `by` a group. */
  metrics: string[];
  by?: string;
  bucket?: 'day' | 'week' | 'month';
  stacked?: boolean;
  /** Legend names for the metrics (default: their titles). */
  labels?: string[];
  /** Days back from the view's `to` (default: the view's window). */
  days?: number;
  about?: { what: string; why: string; action: string; target?: string };
  testid?: string;
  wide?: boolean;
  span?: 2 | 3;
}

const DAY = 86_400_000;

/** A metric (or several) per bucket: lines, or stacked bars when the parts add up to a whole. */
export function SeriesPanel(p: SeriesProps) {
  const [filters] = useFilters();
  const registry = useRegistry();
  const infos = p.metrics.map((m) => registry.get(m));
  const window = p.days
    ? {
        from: new Date(Date.parse(`${filters.to}T00:00:00Z`) - p.days * DAY).toISOString().slice(0, 10),
        to: filters.to,
      }
    : filters;
  const queries = infos.map((i) => metricQuery(filters, i, window));
  const bucket = p.bucket ?? 'week';
  const key = JSON.stringify([p.metrics, p.by, bucket, queries, infos.map(Boolean)]);
  const { data, error } = useLoad(key, () =>
    infos.every(Boolean)
      ? Promise.all(p.metrics.map((m, i) => api.metric(m, { ...queries[i]!.query, bucket, by: p.by })))
      : Promise.resolve(null),
  );
  const option = useMemo(
    () =>
      data
        ? build(
            p,
            infos as MetricInfo[],
            data.map((d) => d.values),
          )
        : null,
    [data],
  );
  const ignored = [...new Set(queries.flatMap((q) => q.ignored))];
  // Withheld points are gaps in the chart; the note says how many and why, so a gap never reads as "no data".
  const withheld = (data ?? []).flatMap((d) => d.values.filter((v) => v.withheld));
  const privacy = withheld.length
    ? `${withheld.length} point${withheld.length === 1 ? '' : 's'} ${withheldShort(withheld[0]!.withheld!)}.`
    : null;
  const whole = ignored.length
    ? `Whole organisation: no ${ignored.join('/')} breakdown for this chart.`
    : null;
  return (
    <Panel
      title={p.title}
      info={p.metrics.length === 1 ? infos[0] : undefined}
      about={p.about}
      explain={p.metrics[0]}
      testid={p.testid}
      wide={p.wide}
      span={p.span}
      note={whole ?? undefined}
    >
      {privacy && (
        <p
          className="muted withheld"
          data-testid={p.testid ? `${p.testid}-withheld` : undefined}
          title={withheld[0]!.withheld}
        >
          {privacy}
        </p>
      )}
      {error && <p className="error">{error}</p>}
      {option ? <Chart option={option} /> : <div className="chart placeholder" />}
    </Panel>
  );
}

function build(p: SeriesProps, infos: MetricInfo[], values: MetricPoint[][]): ChartOption {
  const unit = infos[0]!.unit;
  const scale = unit === 'ratio' ? 100 : 1;
  const all = [...new Set(values.flat().map((v) => v.bucket ?? ''))].sort();
  // A trend starts where the data starts: months before the first record read as zero, not as news.
  const first = all.findIndex((b) => values.some((vs) => vs.some((v) => v.bucket === b && v.value)));
  const buckets = first > 0 ? all.slice(first) : all;
  const series: { name: string; points: Map<string, number | null> }[] = p.by
    ? [...new Set(values[0]!.map((v) => v.group ?? '(none)'))].sort().map((g) => ({
        // Group values like "testenv.checks" read better without the shared prefix.
        name: g.split('.').pop() ?? g,
        points: new Map(
          values[0]!.filter((v) => (v.group ?? '(none)') === g).map((v) => [v.bucket ?? '', v.value]),
        ),
      }))
    : values.map((vs, i) => ({
        name: p.labels?.[i] ?? infos[i]!.title,
        points: new Map(vs.map((v) => [v.bucket ?? '', v.value])),
      }));
  const t = infos.length === 1 ? infos[0]!.thresholds : null;
  const u = show(1, unit).unit;
  return {
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    legend: { top: 0, type: 'scroll' },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? `${show(v / scale, unit).text} ${u}` : '—'),
    },
    xAxis: { type: 'category', data: buckets.map((b) => label(b, p.bucket ?? 'week')) },
    yAxis: { type: 'value', name: u, nameTextStyle: { align: 'right' } },
    series: series.map((s, i) => ({
      name: s.name,
      type: p.stacked ? 'bar' : 'line',
      stack: p.stacked ? 'total' : undefined,
      smooth: false,
      connectNulls: true,
      data: buckets.map((b) => {
        const v = s.points.get(b);
        return v === null || v === undefined ? null : +(v * scale).toFixed(3);
      }),
      markLine:
        i === 0 && t && !p.stacked
          ? {
              silent: true,
              symbol: 'none',
              lineStyle: { color: '#16a34a', type: 'dashed' },
              label: { formatter: 'target', position: 'insideEndTop' },
              data: [{ yAxis: t.green * scale }],
            }
          : undefined,
    })),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Month buckets read as "Feb 2025"; week and day buckets as their first day, "Feb 3". */
function label(bucket: string, unit: string): string {
  const m = MONTHS[Number(bucket.slice(5, 7)) - 1] ?? '';
  return unit === 'month' ? `${m} ${bucket.slice(0, 4)}` : `${m} ${Number(bucket.slice(8, 10))}`;
}
