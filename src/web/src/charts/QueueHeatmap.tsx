import { useMemo } from 'react';
import { api } from '../api.js';
import { Chart, type ChartOption } from '../components/Chart.js';
import { Panel } from '../components/Panel.js';
import { useLoad, useMetricInfo } from '../data.js';
import { metricQuery, useFilters } from '../filters.js';
import type { HeatCell } from '../types.js';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Median CI queue wait by weekday and hour (UTC): when runners run out, at a glance. */
export function QueueHeatmap() {
  const [f] = useFilters();
  const info = useMetricInfo('ci.jobs.queue_p50_seconds');
  const { query } = metricQuery(f, info);
  const { data, error } = useLoad(`heat|${JSON.stringify(query)}`, () => api.queueHeatmap(query));
  const option = useMemo(() => (data ? build(data.cells) : null), [data]);
  return (
    <Panel
      title="CI queue time by weekday and hour (UTC)"
      info={info}
      explain="ci.jobs.queue_p50_seconds"
      testid="queue-heatmap"
      wide
    >
      {error && <p className="error">{error}</p>}
      {option ? <Chart option={option} height={300} /> : <div className="chart placeholder" />}
      {data && (
        <p
          className="muted"
          data-testid="heatmap-jobs"
          data-value={data.cells.reduce((s, c) => s + c.jobs, 0)}
        >
          {data.cells.reduce((s, c) => s + c.jobs, 0).toLocaleString('en-US')} jobs; darker = longer median
          wait before a runner picked the job up.
        </p>
      )}
    </Panel>
  );
}

function build(cells: HeatCell[]): ChartOption {
  const hours = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}h`);
  const max = Math.max(1, ...cells.map((c) => c.p50_seconds ?? 0));
  return {
    grid: { left: 44, right: 80, top: 8, bottom: 28 },
    tooltip: {
      formatter: (p: { data: [number, number, number | null, number] }) =>
        `${DAYS[p.data[1]]} ${hours[p.data[0]]}: median wait ${p.data[2] ?? '—'} s over ${p.data[3]} jobs`,
    },
    xAxis: { type: 'category', data: hours, splitArea: { show: true } },
    yAxis: { type: 'category', data: DAYS, inverse: true, splitArea: { show: true } },
    visualMap: {
      min: 0,
      max: Math.ceil(max),
      calculable: true,
      orient: 'vertical',
      right: 0,
      top: 'middle',
      text: [`${Math.ceil(max)} s`, '0 s'],
      inRange: { color: ['#eff6ff', '#93c5fd', '#f59e0b', '#dc2626'] },
    },
    series: [
      {
        type: 'heatmap',
        data: cells.map((c) => [
          c.hour,
          c.weekday - 1,
          c.p50_seconds === null ? null : Math.round(c.p50_seconds),
          c.jobs,
        ]),
        label: { show: false },
      },
    ],
  };
}
