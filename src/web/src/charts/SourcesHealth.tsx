import { api } from '../api.js';
import { Panel } from '../components/Panel.js';
import { useLoad } from '../data.js';

const DAY = 86_400_000;

/** A collector is healthy when its last run succeeded and it ran in the last day. */
function health(s: {
  last_run_at: string | null;
  last_success_at: string | null;
  last_error_at: string | null;
}) {
  if (!s.last_success_at) return 'red';
  if (s.last_error_at && s.last_error_at > s.last_success_at) return 'red';
  if (Date.now() - Date.parse(s.last_success_at) > DAY) return 'yellow';
  return 'green';
}

const LABEL: Record<string, string> = { green: 'Healthy', yellow: 'Stale', red: 'Failing' };

export function SourcesHealth() {
  const { data, error } = useLoad('sources', () => api.sources());
  return (
    <Panel
      title="Collectors' health"
      testid="sources"
      span={2}
      about={{
        what: 'Each data source (git, GitHub, JUnit, demo…): when it last ran, last succeeded, and its last error.',
        why: 'A stale or failing collector makes every number downstream quietly wrong.',
        action:
          'Fix failing collectors first (the error names the cause); re-run stale ones or check their schedule.',
        target: 'Target: every collector healthy, succeeded in the last 24 h',
      }}
    >
      {error && <p className="error">{error}</p>}
      {data && !data.sources.length && (
        <p className="muted">No collector has run yet (demo data is written directly).</p>
      )}
      <table className="mini" data-testid="sources-table">
        <tbody>
          {data?.sources.map((s) => {
            const h = health(s);
            return (
              <tr key={s.id}>
                <td>
                  <span className={`light status-${h}`} /> {LABEL[h]}
                </td>
                <td>
                  <b>{s.kind}</b> {s.id}
                </td>
                <td className="num">{(s.records ?? 0).toLocaleString('en-US')} records</td>
                <td className="muted">
                  {s.last_success_at
                    ? `ok ${s.last_success_at.slice(0, 16).replace('T', ' ')}`
                    : 'never succeeded'}
                </td>
                <td className="error-text">{s.last_error ?? ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Panel>
  );
}
