import { api } from '../api.js';
import { Panel } from '../components/Panel.js';
import { useLoad } from '../data.js';
import { iso, previousWindow, useFilters } from '../filters.js';
import { changeText, show, withheldShort } from '../format.js';

const TERM: Record<string, string> = {
  speed: 'Speed (lead time vs 24 h)',
  reliability: 'Reliability (CI success × determinism)',
  satisfaction: 'Satisfaction (survey)',
  efficiency: 'Efficiency (CI time not queueing)',
};

const light = (score: number | null) =>
  score === null ? 'none' : score >= 0.8 ? 'green' : score >= 0.6 ? 'yellow' : 'red';

/** The composite Developer Experience Index (0–100) and each weighted term behind it. */
export function DxiPanel() {
  const [f] = useFilters();
  const prev = previousWindow(f);
  const { data, error } = useLoad(`dxi|${f.from}|${f.to}`, () =>
    Promise.all([
      api.dxi({ from: iso(f.from), to: iso(f.to) }),
      api.dxi({ from: iso(prev.from), to: iso(prev.to) }),
    ]),
  );
  const dxi = data?.[0].dxi ?? null;
  const status = light(dxi === null ? null : dxi / 100);
  return (
    <Panel
      title="Developer Experience Index"
      testid="dxi"
      note={
        f.team || f.repo ? 'Whole organisation: the index has no team or repository breakdown.' : undefined
      }
      about={{
        what: 'One 0–100 score: 30% speed, 30% reliability, 20% satisfaction, 20% efficiency, each term scaled 0–1.',
        why: 'A single number to follow quarter to quarter; the terms show which lever moved it.',
        action: 'Raise the lowest term first: it costs the most points.',
        target: 'Target ≥ 80 (each term ≥ 0.8)',
      }}
    >
      {error && <p className="error">{error}</p>}
      <div className={`kpi status-${status}`}>
        <span className="light" />
        <span
          className="kpi-value"
          data-testid="value-dxi"
          data-value={dxi ?? ''}
          data-loaded={data ? '1' : '0'}
        >
          {show(dxi, '').text}
        </span>
        <span className="kpi-unit">/ 100</span>
      </div>
      <p className="kpi-sub trend">{data ? changeText(dxi, data[1].dxi, 'points') : ' '}</p>
      <ul className="bars">
        {data?.[0].terms.map((t) => {
          const withheld = t.inputs.find((i) => i.withheld)?.withheld;
          return (
            <li key={t.term}>
              <span>
                {TERM[t.term] ?? t.term} <span className="muted">×{t.weight}</span>
              </span>
              <span className="bar">
                <span
                  className={`fill status-${light(t.score)}`}
                  style={{ width: `${Math.round((t.score ?? 0) * 100)}%` }}
                />
              </span>
              <span
                className={withheld ? 'num withheld' : 'num'}
                title={withheld}
                data-testid={`dxi-term-${t.term}`}
              >
                {withheld ? withheldShort(withheld) : t.score === null ? '—' : t.score.toFixed(2)}
              </span>
            </li>
          );
        })}
      </ul>
    </Panel>
  );
}
