import { api } from '../api.js';
import { Panel } from '../components/Panel.js';
import { useExplain } from '../components/ExplainDrawer.js';
import { useLoad, useRegistry } from '../data.js';
import { metricQuery, useFilters } from '../filters.js';
import { show, STATUS_LABEL, statusOf, targetText, withheldShort } from '../format.js';

/** Several metrics against their targets as traffic lights: the one-glance health check. */
export function Scorecard({
  title,
  metrics,
  about,
  testid,
  span,
}: {
  title: string;
  metrics: string[];
  about: { what: string; why: string; action: string; target?: string };
  testid?: string;
  span?: 2 | 3;
}) {
  const [filters] = useFilters();
  const registry = useRegistry();
  const openExplain = useExplain();
  const queries = metrics.map((m) => metricQuery(filters, registry.get(m)).query);
  const { data, error } = useLoad(JSON.stringify([metrics, queries]), () =>
    Promise.all(
      metrics.map((m, i) => (registry.get(m) ? api.metric(m, queries[i]!) : Promise.resolve(null))),
    ),
  );
  return (
    <Panel title={title} about={about} testid={testid} span={span}>
      {error && <p className="error">{error}</p>}
      <table className="scorecard">
        <tbody>
          {metrics.map((m, i) => {
            const info = registry.get(m);
            if (!info) return null;
            const value = data?.[i]?.values[0]?.value ?? null;
            const withheld = data?.[i]?.values[0]?.withheld ?? null;
            const status = statusOf(value, info.direction, info.thresholds);
            const s = show(value, info.unit);
            return (
              <tr key={m} className="clickable" onClick={() => openExplain(m)} title={info.description}>
                <td>
                  <span className={`light status-${status}`} title={STATUS_LABEL[status]} />
                </td>
                <td>{info.title}</td>
                <td className="num">
                  <b
                    data-testid={`value-${m}`}
                    data-value={value ?? ''}
                    data-withheld={withheld ?? undefined}
                    data-loaded={data ? '1' : '0'}
                    title={withheld ?? undefined}
                    className={withheld ? 'withheld' : undefined}
                  >
                    {withheld ? withheldShort(withheld) : s.text}
                  </b>{' '}
                  {withheld ? '' : s.unit}
                </td>
                <td className="muted">{targetText(info.thresholds, info.direction, info.unit)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Panel>
  );
}
