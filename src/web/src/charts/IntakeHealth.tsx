import { api } from '../api.js';
import { Panel } from '../components/Panel.js';
import { useLoad } from '../data.js';

const n = (v: number) => v.toLocaleString('en-US');

/**
 * The StatsD intake: what each listener took since it started and what it could not keep as
 * sent (malformed lines, late samples, tag sets its cardinality guard folded or tags it dropped).
 */
export function IntakeHealth() {
  const { data, error } = useLoad('listeners', () => api.listeners());
  return (
    <Panel
      title="Metrics intake (StatsD)"
      testid="intake"
      span={2}
      about={{
        what: 'Each StatsD listener since it started: packets and metrics taken, malformed lines, samples too late for their interval, and per metric the tag sets the cardinality guard folded into other:true and the tags its policy dropped.',
        why: 'Folded series lose their breakdown and dropped tags their dimension: a dashboard split by them is incomplete. Malformed and late samples are not counted at all.',
        action:
          'Folding: remove the unbounded tag at the source, or add its key to statsd.tag_policy (drop or bucket). Malformed: fix the client named in the sample. Late: send sooner, or raise statsd.late_horizon_seconds.',
        target: 'Target: nothing folded, malformed or late',
      }}
    >
      {error && <p className="error">{error}</p>}
      {data && !data.listeners.length && (
        <p className="muted">No listener has flushed yet (statsd.enabled in pitwall.yaml starts one).</p>
      )}
      {data?.listeners.map((l) => (
        <div key={l.id} data-testid="intake-listener">
          <p>
            <span className={`light status-${l.healthy ? 'green' : 'red'}`} /> <b>{l.id}</b>
            {l.socket_path ? ` + ${l.socket_path}` : ''} · {n(l.packets)} packets · {n(l.metrics)} metrics ·{' '}
            <span data-testid="intake-malformed">{n(l.malformed)} malformed</span> ·{' '}
            <span data-testid="intake-late">{n(l.late_dropped)} late dropped</span> ·{' '}
            {l.queue_dropped > 0 && (
              <span className="error-text">{n(l.queue_dropped)} datagrams dropped behind · </span>
            )}
            <span data-testid="intake-folded">{n(l.folded)} folded</span> ·{' '}
            <span data-testid="intake-dropped">{n(l.dropped)} tags dropped</span>
          </p>
          {l.last_flush_error && <p className="error-text">{l.last_flush_error}</p>}
          {l.guard.length > 0 && (
            <table className="mini" data-testid="intake-guard">
              <thead>
                <tr>
                  <th>metric</th>
                  <th className="num">tag sets</th>
                  <th className="num">folded</th>
                  <th className="num">tags dropped</th>
                  <th className="num">bucketed</th>
                </tr>
              </thead>
              <tbody>
                {l.guard.slice(0, 10).map((g) => (
                  <tr key={g.metric}>
                    <td>{g.metric}</td>
                    <td className="num">{n(g.tag_sets)}</td>
                    <td className="num">{n(g.folded)}</td>
                    <td className="num" title={g.dropped_keys.join(', ')}>
                      {n(g.dropped)}
                      {g.dropped_keys.length ? ` (${g.dropped_keys.join(', ')})` : ''}
                    </td>
                    <td className="num">{n(g.bucketed)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {l.recent_malformed.length > 0 && (
            <p className="muted">
              last malformed: <code>{l.recent_malformed[l.recent_malformed.length - 1]!.line}</code> (
              {l.recent_malformed[l.recent_malformed.length - 1]!.reason})
            </p>
          )}
        </div>
      ))}
    </Panel>
  );
}
