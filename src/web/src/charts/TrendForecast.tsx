import { useMemo } from 'react';
import { api } from '../api.js';
import { Chart, type ChartOption } from '../components/Chart.js';
import { Panel } from '../components/Panel.js';
import { useLoad, useMetricInfo } from '../data.js';
import { iso, useFilters } from '../filters.js';
import { show } from '../format.js';
import type { Forecast } from '../types.js';

/**
 * An executive trend: the last 26 weeks and the next quarter projected, with the band the
 * API's prediction interval gives (no maths here: the API fits the line and the band).
 */
export function TrendForecast({ title, metric, testid }: { title: string; metric: string; testid?: string }) {
  const [f] = useFilters();
  const info = useMetricInfo(metric);
  const q = { metric, to: iso(f.to), team: f.team && info?.groupBy.includes('team') ? f.team : undefined };
  const { data, error } = useLoad(`forecast|${JSON.stringify(q)}`, () => api.forecast(q));
  const option = useMemo(() => (data ? build(data) : null), [data]);
  const last = data?.projection[data.projection.length - 1];
  return (
    <Panel
      title={title}
      info={info}
      explain={metric}
      testid={testid}
      note={
        data
          ? (data.note ??
            `Next quarter: ${show(last!.value, data.unit).text} (${Math.round(data.level * 100)}% interval ${show(last!.low, data.unit).text}–${show(last!.high, data.unit).text}), from a ${data.method}.`)
          : undefined
      }
    >
      {error && <p className="error">{error}</p>}
      <div
        data-testid={testid ? `${testid}-projection` : undefined}
        data-weeks={data?.projection.length ?? ''}
      >
        {option ? <Chart option={option} /> : <div className="chart placeholder" />}
      </div>
    </Panel>
  );
}

function build(f: Forecast): ChartOption {
  const scale = f.unit === 'ratio' ? 100 : 1;
  const r = (v: number | null) => (v === null ? null : +(v * scale).toFixed(3));
  const weeks = [...f.history.map((h) => h.week), ...f.projection.map((p) => p.week)].map((w) =>
    w.slice(5, 10),
  );
  const pad = (n: number) => Array<null>(n).fill(null);
  const h = f.history.length;
  // The band as two stacked areas: the low edge (invisible), then the width on top of it.
  const low = [...pad(h), ...f.projection.map((p) => r(p.low))];
  const width = [...pad(h), ...f.projection.map((p) => r(p.high - p.low))];
  return {
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    legend: { top: 0, data: ['Weekly', 'Projection'] },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: weeks },
    yAxis: { type: 'value', name: show(1, f.unit).unit, scale: true },
    series: [
      {
        name: 'Weekly',
        type: 'line',
        connectNulls: true,
        data: [...f.history.map((x) => r(x.value)), ...pad(f.projection.length)],
      },
      {
        name: 'Projection',
        type: 'line',
        lineStyle: { type: 'dashed' },
        data: [...pad(h), ...f.projection.map((p) => r(p.value))],
      },
      { name: 'low', type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, data: low },
      {
        name: `${Math.round(f.level * 100)}% interval`,
        type: 'line',
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        areaStyle: { color: 'rgba(37, 99, 235, 0.15)' },
        data: width,
      },
    ],
  };
}
