import { useMemo, useState } from 'react';
import { api } from '../api.js';
import { Chart, type ChartOption } from '../components/Chart.js';
import { PageTitle } from '../components/PageTitle.js';
import { Panel } from '../components/Panel.js';
import { useLoad, useRegistry } from '../data.js';
import type { Correlation } from '../types.js';

const pValue = (p: number | null) => (p === null ? '—' : p < 0.0001 ? '< 0.0001' : p.toFixed(4));
const rho = (r: number | null) => (r === null ? '—' : r.toFixed(2));

function Scatter({ c }: { c: Correlation }) {
  const option = useMemo<ChartOption>(() => {
    const teams = [...new Set(c.points.map((p) => p.team))].sort();
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { seriesName: string; value: [number, number, string] }) =>
          `${p.seriesName}, ${p.value[2].slice(0, 10)}<br/>${c.x.title}: ${p.value[0].toFixed(2)}<br/>${c.y.title}: ${p.value[1].toFixed(2)}`,
      },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 60, right: 20, top: 40, bottom: 50 },
      xAxis: {
        type: 'value',
        name: `${c.x.title} (${c.x.unit})`,
        nameLocation: 'middle',
        nameGap: 30,
        scale: true,
      },
      yAxis: {
        type: 'value',
        name: `${c.y.title} (${c.y.unit})`,
        nameLocation: 'middle',
        nameGap: 45,
        scale: true,
      },
      series: teams.map((team) => ({
        name: team,
        type: 'scatter',
        symbolSize: 9,
        data: c.points.filter((p) => p.team === team).map((p) => [p.x, p.y, p.bucket]),
      })),
    };
  }, [c]);
  return <Chart option={option} height={340} testid="correlation-scatter" />;
}

/** The seed's Correlations tab: does one metric move with another across teams and time? */
export function Correlations() {
  const registry = useRegistry();
  const teamMetrics = [...registry.values()]
    .filter((m) => m.groupBy.includes('team'))
    .map((m) => m.name)
    .sort();
  const [x, setX] = useState('dx.survey.nps');
  const [y, setY] = useState('github.prs.time_to_first_review_hours');
  const [bucket, setBucket] = useState('month');
  const strongest = useLoad('correlations-strongest', () => api.strongestCorrelations());
  const pair = useLoad(`correlation|${x}|${y}|${bucket}`, () => api.correlation({ x, y, bucket }));
  const c = pair.data;
  const pick = (value: string, set: (v: string) => void, id: string) => (
    <select data-testid={id} value={value} onChange={(e) => set(e.target.value)}>
      {(teamMetrics.includes(value) ? teamMetrics : [value, ...teamMetrics]).map((m) => (
        <option key={m} value={m}>
          {m}
        </option>
      ))}
    </select>
  );
  return (
    <>
      <PageTitle
        title="Correlations"
        subtitle="Team x period relations between any two metrics: where to look, not what caused what"
      />
      <div className="grid">
        <Panel
          title="Two metrics"
          span={2}
          testid="correlation"
          about={{
            what: 'Each point is one team in one period; Spearman’s rank correlation over the points, with its p-value.',
            why: 'A strong relation says which lever may move an outcome (does NPS move with review time?).',
            action:
              'Test a promising relation with an experiment before acting on it: correlation is not cause.',
          }}
        >
          <div className="controls">
            {pick(x, setX, 'correlation-x')} vs {pick(y, setY, 'correlation-y')}{' '}
            <select
              data-testid="correlation-bucket"
              value={bucket}
              onChange={(e) => setBucket(e.target.value)}
            >
              <option value="week">week</option>
              <option value="month">month</option>
              <option value="quarter">quarter</option>
            </select>
          </div>
          {pair.error && <p className="error">{pair.error}</p>}
          {c && (
            <>
              <p
                className="kpi-sub"
                data-testid="correlation-stats"
                data-rho={c.rho ?? ''}
                data-p={c.pValue ?? ''}
                data-n={c.n}
                data-loaded="1"
              >
                team x {c.bucket}, {c.window.from.slice(0, 10)} to {c.window.to.slice(0, 10)} · rho{' '}
                {rho(c.rho)} · p {pValue(c.pValue)} · n {c.n}
                {c.withheld.cells ? ` · ${c.withheld.cells} withheld for privacy` : ''} ·{' '}
                {c.significant ? `significant at ${c.alpha}` : `not significant at ${c.alpha}`}
              </p>
              <Scatter c={c} />
              {c.warnings.map((w) => (
                <p key={w} className="note" data-testid="correlation-warning">
                  {w}
                </p>
              ))}
              <p className="muted" data-testid="correlation-caveat">
                {c.caveat}
              </p>
            </>
          )}
        </Panel>
        <Panel
          title="Strongest relations"
          span={2}
          testid="correlations-strongest"
          about={{
            what: 'Every configured pair of metrics (correlations: in pitwall.yaml), significant ones first, then by strength.',
            why: 'Shows where the platform’s numbers and developers’ answers move together.',
            action: 'Click a row to see its scatter plot; then design an experiment around it.',
          }}
        >
          {strongest.error && <p className="error">{strongest.error}</p>}
          {strongest.data && (
            <table className="mini">
              <thead>
                <tr>
                  <th>x</th>
                  <th>y</th>
                  <th className="num">rho</th>
                  <th className="num">p</th>
                  <th className="num">n</th>
                </tr>
              </thead>
              <tbody>
                {strongest.data.relations.map((r) => (
                  <tr
                    key={`${r.x.name}|${r.y.name}`}
                    data-testid="strongest-row"
                    className={r.significant ? 'significant' : 'muted'}
                    onClick={() => {
                      setX(r.x.name);
                      setY(r.y.name);
                    }}
                  >
                    <td>{r.x.name}</td>
                    <td>{r.y.name}</td>
                    <td className="num">{rho(r.rho)}</td>
                    <td className="num">{pValue(r.pValue)}</td>
                    <td className="num">{r.n}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Panel>
      </div>
    </>
  );
}
