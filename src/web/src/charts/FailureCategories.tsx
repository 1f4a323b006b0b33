import { useMemo } from 'react';
import { api } from '../api.js';
import { Chart, type ChartOption } from '../components/Chart.js';
import { Panel } from '../components/Panel.js';
import { useLoad, useMetricInfo } from '../data.js';
import { iso, useFilters } from '../filters.js';

/** Failed test-environment provisions by cause: which fix removes the most failures. */
export function FailureCategories() {
  const [f] = useFilters();
  const info = useMetricInfo('testenv.provision.success_rate');
  const { data, error } = useLoad(`tfail|${f.from}|${f.to}`, () =>
    api.testenvFailures({ from: iso(f.from), to: iso(f.to) }),
  );
  const option = useMemo<ChartOption | null>(() => {
    if (!data) return null;
    const c = [...data.categories].reverse();
    return {
      grid: { left: 130, right: 40, top: 8, bottom: 24 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', name: 'failures', minInterval: 1 },
      yAxis: {
        type: 'category',
        data: c.map((x) => x.category),
        axisLabel: { width: 120, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          data: c.map((x) => x.count),
          itemStyle: { color: '#ef4444' },
          label: { show: true, position: 'right' },
        },
      ],
    };
  }, [data]);
  const total = data?.categories.reduce((s, c) => s + c.count, 0) ?? 0;
  return (
    <Panel
      title="Provisioning failures by category"
      info={info}
      explain="testenv.provision.count"
      testid="testenv-failures"
      note={
        f.team || f.repo
          ? 'Whole organisation: failure categories have no team or repository breakdown.'
          : undefined
      }
    >
      {error && <p className="error">{error}</p>}
      <p>
        <b data-testid="testenv-failures-total" data-value={total}>
          {total}
        </b>{' '}
        failed provisions in the period
      </p>
      {option && data?.categories.length ? (
        <Chart option={option} height={200} />
      ) : (
        <p className="muted">No failures.</p>
      )}
    </Panel>
  );
}
