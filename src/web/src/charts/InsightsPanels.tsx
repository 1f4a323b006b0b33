import { api } from '../api.js';
import { Panel } from '../components/Panel.js';
import { useExplain } from '../components/ExplainDrawer.js';
import { useLoad } from '../data.js';
import { iso, useFilters } from '../filters.js';
import type { Insight } from '../types.js';

/**
 * "Attention required" and "Wins": shifts found in each metric's own history and target
 * breaches, ranked by impact and capped at five by the API; each names why, what to do and the
 * recorded change it is tied to. No maths here: the page shows what the API decided.
 */
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
          what: 'The five things that got worse that matter most: significant shifts against each metric’s own recent baseline (weekday-adjusted), and targets breached.',
          why: 'A short list gets acted on; each item says what moved, by how much, since when, and the recorded change it follows.',
          action: 'Give each item an owner this week; click it to see the rows behind the metric.',
        }}
      >
        {error && <p className="error">{error}</p>}
        <InsightList
          items={data?.attention}
          empty="Nothing got worse, and every target is met."
          kind="attention"
        />
      </Panel>
      <Panel
        title="Wins"
        testid="wins"
        about={{
          what: 'The five improvements that matter most: significant shifts for the better, and targets newly met.',
          why: 'Shows which changes paid off (each tied to the change it follows), so they can be kept and repeated.',
          action: 'Share them with the teams involved.',
        }}
      >
        <InsightList items={data?.wins} empty="No significant improvement in this window yet." kind="wins" />
      </Panel>
    </>
  );
}

const keyOf = (i: Insight) => `${i.kind}|${i.metric}|${i.group?.value ?? ''}`;

function InsightList({ items, empty, kind }: { items: Insight[] | undefined; empty: string; kind: string }) {
  const openExplain = useExplain();
  if (!items) return <p className="muted">Loading…</p>;
  if (!items.length) return <p className="muted">{empty}</p>;
  return (
    <ul className="insights" data-testid={`${kind}-list`} data-count={items.length}>
      {items.map((i) => (
        <li
          key={keyOf(i)}
          className={`status-${i.status}`}
          data-testid={`${kind}-item`}
          data-metric={i.metric}
          data-tied={i.tiedTo?.id ?? ''}
          onClick={() => openExplain(i.metric)}
        >
          <span className={`light status-${i.status}`} />
          <div>
            <b>{i.message}</b>
            {kind === 'attention' && <div>Action: {i.action}</div>}
            {i.tiedTo && (
              <div className="muted" data-testid="tied-to">
                Tied to the {i.tiedTo.kind} “{i.tiedTo.title}” ({i.tiedTo.at.slice(0, 10)})
              </div>
            )}
            {i.related.length > 0 && (
              <div className="muted">
                Moved with it: {i.related.length} more series (
                {[...new Set(i.related.map((r) => r.title))].slice(0, 3).join(', ')}
                {new Set(i.related.map((r) => r.title)).size > 3 ? ', …' : ''})
              </div>
            )}
            <details onClick={(e) => e.stopPropagation()}>
              <summary>Why</summary>
              <p>{i.why}</p>
            </details>
          </div>
        </li>
      ))}
    </ul>
  );
}
