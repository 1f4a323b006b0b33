import { api } from '../api.js';
import { Panel } from '../components/Panel.js';
import { useExplain } from '../components/ExplainDrawer.js';
import { useLoad, useRegistry } from '../data.js';
import { iso, useFilters } from '../filters.js';
import { showText } from '../format.js';
import type { Insight } from '../types.js';

/** "Attention required" and "wins": generated from every metric's status and change, not by hand. */
export function InsightsPanels() {
  const [f] = useFilters();
  const q = { from: iso(f.from), to: iso(f.to), team: f.team };
  const { data, error } = useLoad(`insights|${JSON.stringify(q)}`, () => api.insights(q));
  return (
    <>
      <Panel
        title="Attention required"
        testid="attention"
        about={{
          what: 'Metrics off target, or close to it and getting worse than the previous period.',
          why: 'These are where delivery is slowing or breaking now; each names its next step.',
          action: 'Give each item an owner this week; open its rows to see where it comes from.',
        }}
      >
        {error && <p className="error">{error}</p>}
        <InsightList items={data?.attention} empty="Nothing needs attention." kind="attention" />
      </Panel>
      <Panel
        title="Wins"
        testid="wins"
        about={{
          what: 'Metrics on target and better than the previous period.',
          why: 'Shows which investments are paying off, so they can be kept and repeated.',
          action: 'Share them with the teams involved.',
        }}
      >
        <InsightList items={data?.wins} empty="No metric is both on target and improving yet." kind="wins" />
      </Panel>
    </>
  );
}

function InsightList({ items, empty, kind }: { items: Insight[] | undefined; empty: string; kind: string }) {
  const registry = useRegistry();
  const openExplain = useExplain();
  if (!items) return <p className="muted">Loading…</p>;
  if (!items.length) return <p className="muted">{empty}</p>;
  return (
    <ul className="insights" data-testid={`${kind}-list`} data-count={items.length}>
      {items.slice(0, 6).map((i) => {
        const unit = registry.get(i.metric)?.unit ?? '';
        return (
          <li key={i.metric} className={`status-${i.status}`} onClick={() => openExplain(i.metric)}>
            <span className={`light status-${i.status}`} />
            <div>
              <b>{i.title}</b>: {showText(i.value, unit)}
              {i.previous !== null && <span className="muted"> (was {showText(i.previous, unit)})</span>}
              <div className="muted">{kind === 'attention' ? `Action: ${i.action}` : i.message}</div>
            </div>
          </li>
        );
      })}
      {items.length > 6 && <li className="muted">and {items.length - 6} more</li>}
    </ul>
  );
}
