import { Panel } from '../components/Panel.js';
import { show } from '../format.js';
import type { Testenv } from '../types.js';
import { Chart, type ChartOption } from '../components/Chart.js';

const pct = (v: number | null) => (v === null ? '—' : `${show(v, 'ratio').text}%`);
const min = (v: number | null) => (v === null ? '—' : show(v, 'minutes').text);

/** Section 5: median time, volume and failure rate by repository (busiest first). */
export function TestenvRepos({ data }: { data: Testenv | null }) {
  const rows = data?.byRepo ?? [];
  return (
    <>
      <Panel
        title="By repository"
        testid="testenv-repos"
        span={2}
        about={{
          what: 'Per repository: provisions, median provisioning time, failure rate, manual re-provisioning rate, CI-to-provisioning delay and early provisioning share.',
          why: 'Repositories differ in images, tests and cluster needs: a fix often belongs to one of them.',
          action: 'Start with the busiest repository whose median or failure rate is furthest from target.',
        }}
      >
        {rows.length ? (
          <table className="mini">
            <thead>
              <tr>
                <th>repository</th>
                <th className="num">provisions</th>
                <th className="num">median min</th>
                <th className="num">failed</th>
                <th className="num">re-provisioned</th>
                <th className="num">CI delay min</th>
                <th className="num">early</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.repo}
                  data-testid="testenv-repo-row"
                  data-key={r.repo}
                  data-value={r.medianMinutes ?? ''}
                >
                  <td>{r.repo}</td>
                  <td className="num">{r.provisions}</td>
                  <td className="num">{min(r.medianMinutes)}</td>
                  <td className="num">{pct(r.failureRate)}</td>
                  <td className="num">{pct(r.reprovisionRate)}</td>
                  <td className="num">{min(r.ciDelayMedianMinutes)}</td>
                  <td className="num">{pct(r.earlyShare)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No provisions.</p>
        )}
      </Panel>
      <Panel title="Volume and failure rate by repository" testid="testenv-repo-chart" span={2}>
        {rows.length ? (
          <Chart option={volumeAndFailures(rows)} height={220} />
        ) : (
          <p className="muted">No provisions.</p>
        )}
      </Panel>
    </>
  );
}

/** Provisions (bars, left axis) and failure rate (line, right axis, %) per repository. */
function volumeAndFailures(rows: Testenv['byRepo']): ChartOption {
  return {
    grid: { left: 48, right: 48, top: 30, bottom: 48 },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    xAxis: { type: 'category', data: rows.map((r) => r.repo), axisLabel: { rotate: 20 } },
    yAxis: [
      { type: 'value', name: 'provisions', minInterval: 1 },
      { type: 'value', name: '% failed', splitLine: { show: false } },
    ],
    series: [
      {
        name: 'provisions',
        type: 'bar',
        data: rows.map((r) => r.provisions),
        itemStyle: { color: '#2563eb' },
      },
      {
        name: 'failure rate',
        type: 'line',
        yAxisIndex: 1,
        data: rows.map((r) => (r.failureRate === null ? null : +(r.failureRate * 100).toFixed(2))),
        itemStyle: { color: '#ef4444' },
      },
    ],
  };
}
