import { useState } from 'react';
import { PitwallClient } from '../../../client/index.js';
import { api } from '../api.js';
import { Panel } from '../components/Panel.js';
import { useLoad } from '../data.js';
import type { AlertInfo } from '../types.js';

const TOKEN_KEY = 'pitwall.token';
const SEVERITY: Record<string, string> = {
  critical: 'status-red',
  warning: 'status-yellow',
  info: 'status-green',
};
const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') + ' UTC' : '—');

/**
 * The alerts of `alerts:` that fire now (and those about to: pending), worst first, with the
 * value against the rule's condition and since when. Acknowledging writes, so it needs a token
 * with the ingest scope: asked for once, kept in this browser only.
 */
export function ActiveAlerts() {
  const [version, setVersion] = useState(0);
  const { data, error } = useLoad(`alerts:${version}`, () => api.alerts());
  const [token, setToken] = useState(() => localStorage.getItem(TOKEN_KEY) ?? '');
  const [ackError, setAckError] = useState<string | null>(null);
  const acknowledge = async (a: AlertInfo) => {
    try {
      await new PitwallClient({ baseUrl: '', token: token || null }).acknowledgeAlert(a.id);
      setAckError(null);
      setVersion((v) => v + 1);
    } catch (e) {
      setAckError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <Panel
      title={`Active alerts${data ? ` (${data.alerts.filter((a) => a.state === 'firing').length})` : ''}`}
      testid="active-alerts"
      span={2}
      about={{
        what: 'Alert rules of pitwall.yaml that fire now, and those whose condition holds but not yet for long enough (pending): the value against the rule, and since when.',
        why: 'A rule fires once and resolves once, to Slack or email; this list is where to see what is still open and who is on it.',
        action:
          'Acknowledge what you are working on; silence (API) a known issue until it is fixed. The rule says what to look at.',
      }}
    >
      <div data-loaded={data || error ? '1' : '0'}>
        {error && <p className="error">{error}</p>}
        {data && !data.alerts.length && (
          <p className="muted" data-testid="alerts-none">
            No alert is firing
            {data.rules.length
              ? ` (${data.rules.length} rules watched)`
              : ' (no rule in alerts: of pitwall.yaml)'}
            .
          </p>
        )}
        {data && data.alerts.length > 0 && (
          <table className="mini">
            <thead>
              <tr>
                <th>severity</th>
                <th>rule</th>
                <th>value vs threshold</th>
                <th>since</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.alerts.map((a) => (
                <tr key={a.id} data-testid="alert-row" data-alert-id={a.id} data-state={a.state}>
                  <td>
                    <span className={`badge ${SEVERITY[a.severity] ?? ''}`}>{a.severity}</span>
                    {a.state === 'pending' && <span className="muted"> pending</span>}
                  </td>
                  <td>
                    <b>{a.rule}</b>
                    {a.group !== null && (
                      <span className="muted">
                        {' '}
                        {a.by} {a.group}
                      </span>
                    )}
                    <br />
                    <span className="muted">{a.title}</span>
                  </td>
                  <td data-testid="alert-value">
                    {a.valueText} <span className="muted">({a.condition})</span>
                  </td>
                  <td>{when(a.since)}</td>
                  <td>
                    {a.acknowledgedAt ? (
                      <span data-testid="alert-acked">
                        acknowledged{a.acknowledgedBy ? ` by ${a.acknowledgedBy}` : ''}
                      </span>
                    ) : (
                      <button className="link" data-testid="alert-ack" onClick={() => void acknowledge(a)}>
                        Acknowledge
                      </button>
                    )}
                    {a.silenced && <span className="muted"> silenced until {when(a.silencedUntil)}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {ackError && (
          <p data-testid="alert-ack-error">
            <span className="error-text">{ackError}</span>{' '}
            <input
              data-testid="alert-token"
              type="password"
              placeholder="token with the ingest scope"
              value={token}
              onChange={(e) => {
                setToken(e.target.value);
                localStorage.setItem(TOKEN_KEY, e.target.value);
              }}
            />
          </p>
        )}
      </div>
    </Panel>
  );
}
