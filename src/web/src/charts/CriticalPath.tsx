import { useMemo } from 'react';
import { api } from '../api.js';
import { Chart, type ChartOption } from '../components/Chart.js';
import { Panel } from '../components/Panel.js';
import { useLoad, useMetricInfo } from '../data.js';
import { iso, useFilters } from '../filters.js';
import { show } from '../format.js';
import type { StageRow } from '../types.js';

/** Which CI stages sit on the critical path most: the ones whose speed-up shortens the pipeline. */
export function CriticalPath() {
  const [f] = useFilters();
  const info = useMetricInfo('ci.critical_path.job_share');
  const { data, error } = useLoad(`stages|${f.from}|${f.to}`, () =>
    api.ciStages({ from: iso(f.from), to: iso(f.to) }),
  );
  const top = useMemo(
    () =>
      data
        ? data.stages
            .filter((s) => s.critical_path_share !== null)
            .sort((a, b) => b.critical_path_share! - a.critical_path_share!)
            .slice(0, 8)
        : [],
    [data],
  );
  const option = useMemo(() => build(top), [top]);
  const first = data?.speedUpFirst;
  return (
    <Panel
      title="Critical path: stages to speed up first"
      info={info}
      explain="ci.critical_path.job_share"
      testid="critical-path"
      wide
      note={
        f.team || f.repo
          ? 'Whole organisation: the stage table has no team or repository breakdown.'
          : undefined
      }
    >
      {error && <p className="error">{error}</p>}
      {first && (
        <p className="callout" data-testid="speed-up-first">
          Speed up{' '}
          <b>
            {first.workflow} / {first.stage}
          </b>{' '}
          first: it is {show(first.share, 'ratio').text}% of the critical path.
        </p>
      )}
      <div className="split">
        {top.length ? <Chart option={option} height={260} /> : <div className="chart placeholder" />}
        <div className="table-wrap">
          <table className="mini" data-testid="stages-table">
            <thead>
              <tr>
                <th>Stage</th>
                <th className="num">p50 min</th>
                <th className="num">p95 min</th>
                <th className="num">queue p95 s</th>
                <th className="num">success</th>
              </tr>
            </thead>
            <tbody>
              {top.map((s) => (
                <tr key={`${s.workflow}/${s.stage}`}>
                  <td>
                    {s.workflow} / {s.stage}
                  </td>
                  <td className="num">{show(s.duration_p50_min, '').text}</td>
                  <td className="num">{show(s.duration_p95_min, '').text}</td>
                  <td className="num">{show(s.queue_p95_s, '').text}</td>
                  <td className="num">{show(s.success_rate, 'ratio').text}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </Panel>
  );
}

function build(rows: StageRow[]): ChartOption {
  const r = [...rows].reverse();
  return {
    grid: { left: 150, right: 40, top: 8, bottom: 24 },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${v}% of critical path` },
    xAxis: { type: 'value', name: '%', max: 100 },
    yAxis: {
      type: 'category',
      data: r.map((s) => `${s.workflow} / ${s.stage}`),
      axisLabel: { width: 140, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        data: r.map((s) => +((s.critical_path_share ?? 0) * 100).toFixed(1)),
        label: { show: true, position: 'right', formatter: '{c}%' },
      },
    ],
  };
}
