import { createContext, useContext, type ReactNode, useState } from 'react';
import { api } from '../api.js';
import { useLoad, useMetricInfo } from '../data.js';
import { explainQuery, useFilters } from '../filters.js';

const Ctx = createContext<(metric: string) => void>(() => undefined);
export const useExplain = () => useContext(Ctx);

/** Holds which metric's rows are open; any panel can open it, one drawer shows them. */
export function ExplainProvider({ children }: { children: ReactNode }) {
  const [metric, setMetric] = useState<string | null>(null);
  return (
    <Ctx.Provider value={setMetric}>
      {children}
      {metric && <ExplainDrawer metric={metric} onClose={() => setMetric(null)} />}
    </Ctx.Provider>
  );
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return v.slice(0, 16).replace('T', ' ');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function ExplainDrawer({ metric, onClose }: { metric: string; onClose: () => void }) {
  const [filters] = useFilters();
  const info = useMetricInfo(metric);
  const q = explainQuery(filters, info);
  const { data, error, loading } = useLoad(`${metric}?${JSON.stringify(q)}`, () => api.explain(metric, q));
  const cols = data?.rows[0] ? Object.keys(data.rows[0]) : [];
  return (
    <div className="drawer-backdrop" onClick={onClose}>
      <aside className="drawer" data-testid="explain-drawer" onClick={(e) => e.stopPropagation()}>
        <header>
          <div>
            <h2>{info?.title ?? metric}</h2>
            <p className="muted">
              The rows this number is computed from ({metric}
              {q.by ? `, ${q.by} ${q.group}` : ''}, {filters.from} to {filters.to})
            </p>
          </div>
          <button type="button" onClick={onClose} aria-label="Close" data-testid="explain-close">
            ✕
          </button>
        </header>
        {loading && <p>Loading…</p>}
        {error && <p className="error">{error}</p>}
        {data?.withheld && (
          // A personal metric: its rows are people's answers or behaviour, never listed.
          <p className="withheld" data-testid="explain-withheld">
            {data.total === null ? '' : `${data.total} rows from ${data.people} people. `}
            {data.withheld}
          </p>
        )}
        {data && !data.withheld && (
          <>
            <p>
              <b data-testid="explain-total">{data.total}</b> rows
              {data.rows.length < (data.total ?? 0) ? `, first ${data.rows.length} shown` : ''}
            </p>
            <div className="table-wrap">
              <table data-testid="explain-rows">
                <thead>
                  <tr>
                    {cols.map((c) => (
                      <th key={c}>{c}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((r, i) => (
                    <tr key={i}>
                      {cols.map((c) => (
                        <td key={c}>{cell(r[c])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </aside>
    </div>
  );
}
