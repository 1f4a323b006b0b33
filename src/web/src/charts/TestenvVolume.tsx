import { useState } from 'react';
import { Panel } from '../components/Panel.js';
import { useMetricInfo } from '../data.js';
import { show } from '../format.js';
import type { Testenv } from '../types.js';
import { StackedBars, weekLabel } from './TestenvData.js';

/** Section 3: provisions per day or per week, succeeded and failed. */
export function TestenvVolume({ data }: { data: Testenv | null }) {
  const [unit, setUnit] = useState<'day' | 'week'>('day');
  const rows = data?.volume[unit] ?? [];
  const total = rows.reduce((s, r) => s + r.ok + r.failed, 0);
  return (
    <Panel
      title={`Provisions per ${unit}: success and failure`}
      info={useMetricInfo('testenv.provision.count')}
      testid="testenv-volume"
      span={2}
    >
      <p>
        <button
          type="button"
          className="link"
          data-testid="testenv-volume-day"
          onClick={() => setUnit('day')}
        >
          per day
        </button>{' '}
        ·{' '}
        <button
          type="button"
          className="link"
          data-testid="testenv-volume-week"
          onClick={() => setUnit('week')}
        >
          per week
        </button>{' '}
        ·{' '}
        <b data-testid="testenv-volume-total" data-value={total} data-unit={unit}>
          {total}
        </b>{' '}
        provisions
      </p>
      {rows.length ? (
        <StackedBars
          buckets={rows.map((r) => weekLabel(r.bucket))}
          unit="provisions"
          series={[
            { name: 'ready', data: rows.map((r) => r.ok), color: '#10b981' },
            { name: 'failed', data: rows.map((r) => r.failed), color: '#ef4444' },
          ]}
        />
      ) : (
        <p className="muted">No provisions.</p>
      )}
    </Panel>
  );
}

/** Section 3: failures by category, each as a share of all provisions. */
export function TestenvFailureTable({ data }: { data: Testenv | null }) {
  const rows = data?.failures ?? [];
  return (
    <Panel
      title="Failure rate by category"
      info={useMetricInfo('testenv.provision.failure_rate')}
      explain="testenv.provision.failure_rate"
      testid="testenv-failure-table"
    >
      {rows.length ? (
        <table className="mini">
          <thead>
            <tr>
              <th>category</th>
              <th className="num">failed</th>
              <th className="num">of all</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.category}
                data-testid="testenv-failure-row"
                data-key={r.category}
                data-value={r.count}
              >
                <td>{r.category}</td>
                <td className="num">{r.count}</td>
                <td className="num">{show(r.rate, 'ratio').text}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No failures.</p>
      )}
    </Panel>
  );
}

/** Section 3: manual re-provisions per week (a teardown then a provision within the window). */
export function TestenvReprovisions({ data }: { data: Testenv | null }) {
  const rows = data?.reprovisions ?? [];
  return (
    <Panel
      title="Re-provisioning frequency per week"
      info={useMetricInfo('testenv.reprovision.rate')}
      explain="testenv.reprovision.count"
      testid="testenv-reprovisions"
      span={2}
    >
      <p>
        <b data-testid="testenv-reprovisions-total" data-value={data?.summary.reprovisions ?? ''}>
          {data?.summary.reprovisions ?? '—'}
        </b>{' '}
        manual re-provisions in the period
      </p>
      {rows.length ? (
        <StackedBars
          buckets={rows.map((r) => weekLabel(r.bucket))}
          unit="re-provisions"
          height={180}
          series={[{ name: 're-provisions', data: rows.map((r) => r.count), color: '#f59e0b' }]}
        />
      ) : (
        <p className="muted">No provisions.</p>
      )}
    </Panel>
  );
}

/** Section 3: the slowest provisions, each linked to its logs when testenv.log_url is set. */
export function TestenvSlowest({ data }: { data: Testenv | null }) {
  const rows = data?.slowest ?? [];
  return (
    <Panel
      title="Top 10 slowest provisions"
      testid="testenv-slowest"
      span={2}
      about={{
        what: 'The provisions that took longest in the period (ready or failed), with their branch and a link to their logs.',
        why: 'The tail has causes the median hides: a stuck image pull, a quota, a timeout.',
        action: 'Open the logs of the top rows and look for what they share.',
      }}
      note={
        rows.length && !rows.some((r) => r.logUrl)
          ? 'Set testenv.log_url in pitwall.yaml to link each provision to its logs.'
          : undefined
      }
    >
      {rows.length ? (
        <table className="mini">
          <thead>
            <tr>
              <th>started</th>
              <th>repository</th>
              <th>branch</th>
              <th className="num">minutes</th>
              <th>outcome</th>
              <th>logs</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="testenv-slow-row" data-key={r.id} data-value={r.minutes}>
                <td>{r.startedAt.slice(0, 16).replace('T', ' ')}</td>
                <td>{r.repo ?? '—'}</td>
                <td>{r.branch ?? '—'}</td>
                <td className="num">{show(r.minutes, 'minutes').text}</td>
                <td>{r.status === 'ok' ? 'ready' : (r.failure ?? 'failed')}</td>
                <td>
                  {r.logUrl ? (
                    <a href={r.logUrl} target="_blank" rel="noreferrer" data-testid="testenv-log-link">
                      logs
                    </a>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No provisions.</p>
      )}
    </Panel>
  );
}
