import { Panel } from '../components/Panel.js';
import { useMetricInfo } from '../data.js';
import type { Testenv } from '../types.js';
import { StackedBars, weekLabel } from './TestenvData.js';

/** Section 2: the median of each phase per week, stacked: where the wait goes. */
export function TestenvPhases({ data }: { data: Testenv | null }) {
  const info = useMetricInfo('testenv.phase.duration_p50_minutes');
  const rows = data?.phases ?? [];
  const last = rows.at(-1);
  return (
    <Panel title="Time by phase (median minutes per week)" info={info} testid="testenv-phases" span={2}>
      {last && (
        <p className="muted" data-testid="testenv-phases-last" data-value={last.checks ?? ''}>
          Last week: CI checks {last.checks?.toFixed(1) ?? '—'} min, Kubernetes{' '}
          {last.kubernetes?.toFixed(1) ?? '—'} min, waiting for ready {last.waitReady?.toFixed(1) ?? '—'} min
        </p>
      )}
      {rows.length ? (
        <StackedBars
          buckets={rows.map((r) => weekLabel(r.bucket))}
          unit="min"
          series={[
            { name: 'CI checks', data: rows.map((r) => r.checks) },
            { name: 'Kubernetes', data: rows.map((r) => r.kubernetes) },
            { name: 'Wait ready', data: rows.map((r) => r.waitReady) },
          ]}
        />
      ) : (
        <p className="muted">No provisions with phases.</p>
      )}
    </Panel>
  );
}
