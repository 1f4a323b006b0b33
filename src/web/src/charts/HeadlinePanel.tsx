import { api } from '../api.js';
import { Panel } from '../components/Panel.js';
import { useLoad } from '../data.js';
import { iso, useFilters } from '../filters.js';
import { show } from '../format.js';
import type { HeadlineInputs } from '../types.js';

const PARTS: [keyof HeadlineInputs, string][] = [
  ['ciWaitHours', 'CI queue wait'],
  ['localWaitHours', 'Local builds & tests'],
  ['provisioningWaitHours', 'Test-environment wait'],
  ['totalHours', 'Total waiting'],
];

/** Developer hours saved against the previous period, with the waits it is made of. */
export function HeadlinePanel() {
  const [f] = useFilters();
  const { data, error } = useLoad(`headline|${f.from}|${f.to}`, () =>
    api.headline({ from: iso(f.from), to: iso(f.to) }),
  );
  const saved = data?.hoursSaved ?? null;
  const s = show(saved, 'hours');
  return (
    <Panel
      title="Developer hours saved"
      testid="headline"
      note={
        f.team || f.repo ? 'Whole organisation: the headline has no team or repository breakdown.' : undefined
      }
      about={{
        what: 'Hours developers spent waiting (CI queues, local builds and tests, test environments) in the previous period minus this period.',
        why: 'Waiting is the cost the platform exists to remove; this is its return in the unit the business pays for.',
        action:
          'If it is negative, waiting grew: open the platform dashboard and start with the largest wait below.',
        target: 'Target: above 0',
      }}
    >
      {error && <p className="error">{error}</p>}
      <div className={`kpi status-${saved === null ? 'none' : saved > 0 ? 'green' : 'red'}`}>
        <span className="light" />
        <span
          className="kpi-value"
          data-testid="value-headline.hours_saved"
          data-value={saved ?? ''}
          data-loaded={data ? '1' : '0'}
        >
          {s.text}
        </span>
        <span className="kpi-unit">hours</span>
      </div>
      <p className="kpi-sub">
        {data?.developers
          ? `${data.developers} developers · ${show(data.hoursSavedPerDeveloper, 'hours').text} h each · ≈ ${show(saved === null ? null : saved / 40, 'weeks').text} developer-weeks`
          : ' '}
      </p>
      {data?.localWithheld && (
        <p className="muted withheld" data-testid="headline-local-withheld">
          Local builds & tests left out of both totals: {data.localWithheld}
        </p>
      )}
      {data && (
        <table className="mini">
          <thead>
            <tr>
              <th>Waiting on</th>
              <th className="num">This period</th>
              <th className="num">Previous</th>
            </tr>
          </thead>
          <tbody>
            {PARTS.map(([k, label]) => (
              <tr key={k} className={k === 'totalHours' ? 'total' : undefined}>
                <td>{label}</td>
                <td className="num">{show(data.hoursSavedInputs.current[k], 'hours').text} h</td>
                <td className="num">{show(data.hoursSavedInputs.previous[k], 'hours').text} h</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
