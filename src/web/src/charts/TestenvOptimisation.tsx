import { Panel } from '../components/Panel.js';
import { useMetricInfo } from '../data.js';
import type { Testenv } from '../types.js';
import { StackedBars, weekLabel } from './TestenvData.js';

/** Section 4: provisions per week started before CI tests completed, after, and not reported. */
export function TestenvEarly({ data }: { data: Testenv | null }) {
  const rows = data?.early ?? [];
  const early = rows.reduce((s, r) => s + r.early, 0);
  return (
    <Panel
      title="Provisions with and without CI complete"
      info={useMetricInfo('testenv.provision.early_share')}
      explain="testenv.provision.early_share"
      testid="testenv-early"
      span={2}
    >
      <p>
        <b data-testid="testenv-early-count" data-value={early}>
          {early}
        </b>{' '}
        provisions started before CI tests had completed
      </p>
      {rows.length ? (
        <StackedBars
          buckets={rows.map((r) => weekLabel(r.bucket))}
          unit="provisions"
          series={[
            { name: 'before CI complete', data: rows.map((r) => r.early), color: '#10b981' },
            { name: 'after CI complete', data: rows.map((r) => r.complete), color: '#2563eb' },
            { name: 'not reported', data: rows.map((r) => r.unreported), color: '#94a3b8' },
          ]}
        />
      ) : (
        <p className="muted">No provisions.</p>
      )}
    </Panel>
  );
}
