import { Chart, type ChartOption } from '../components/Chart.js';
import { Panel } from '../components/Panel.js';
import { useMetricInfo } from '../data.js';
import { show, statusOf } from '../format.js';
import type { Testenv } from '../types.js';

const MEDIAN = 'testenv.provision.duration_p50_minutes';

/** Section 1: the median over the last 7 days of the view, and its change on the 7 before. */
export function TestenvWeekOverWeek({ data }: { data: Testenv | null }) {
  const info = useMetricInfo(MEDIAN);
  const w = data?.weekOverWeek;
  const s = show(w?.medianMinutes ?? null, 'minutes');
  const status = info ? statusOf(w?.medianMinutes ?? null, info.direction, info.thresholds) : 'none';
  const change = w?.change ?? null;
  return (
    <Panel
      title="Current median provisioning time"
      info={info}
      testid="testenv-current"
      about={{
        what: 'Median provisioning time over the last 7 days of the view, and its change against the 7 days before (week over week).',
        why: 'The number a developer feels this week; the change says whether the last week made it better or worse.',
        action: 'A rise of more than a few percent: look at which phase grew in the breakdown below.',
        target: info?.thresholds ? `Target ≤ ${info.thresholds.green} min` : undefined,
      }}
    >
      <div className={`kpi status-${status}`}>
        <span className="light" />
        <span
          className="kpi-value"
          data-testid="testenv-current-median"
          data-value={w?.medianMinutes ?? ''}
          data-loaded={data ? '1' : '0'}
        >
          {s.text}
        </span>
        <span className="kpi-unit">{s.unit}</span>
      </div>
      <div className="kpi-sub">
        <span
          className={`trend trend-${change === null ? 'unknown' : change < 0 ? 'better' : change > 0 ? 'worse' : 'flat'}`}
          data-testid="testenv-wow"
          data-value={change ?? ''}
        >
          {change === null
            ? 'no previous week'
            : `${change > 0 ? '+' : ''}${show(change, 'ratio').text}% week over week (was ${show(w?.previousMedianMinutes ?? null, 'minutes').text} min)`}
        </span>
      </div>
    </Panel>
  );
}

/** Section 1: how provisioning times spread (successful provisions), in minute bins. */
export function TestenvDistribution({ data }: { data: Testenv | null }) {
  const bins = data?.distribution ?? [];
  const total = bins.reduce((s, b) => s + b.count, 0);
  const option: ChartOption = {
    grid: { left: 48, right: 16, top: 16, bottom: 36 },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      name: 'minutes',
      nameLocation: 'middle',
      nameGap: 24,
      data: bins.map((b) => String(b.fromMinutes)),
    },
    yAxis: { type: 'value', name: 'provisions', minInterval: 1 },
    series: [{ type: 'bar', data: bins.map((b) => b.count), itemStyle: { color: '#2563eb' } }],
  };
  return (
    <Panel
      title="Distribution of provisioning times"
      testid="testenv-distribution"
      span={2}
      about={{
        what: `Successful provisions by how long they took, in ${data?.binMinutes ?? 1}-minute bins (request to ready).`,
        why: 'Two humps mean two populations (e.g. waiting for CI or not); a long tail is what developers remember.',
        action: 'Open the slowest provisions below to see what the tail has in common.',
      }}
    >
      <p>
        <b data-testid="testenv-distribution-total" data-value={total}>
          {total}
        </b>{' '}
        successful provisions
      </p>
      {bins.length ? <Chart option={option} height={200} /> : <p className="muted">No provisions.</p>}
    </Panel>
  );
}
