import { api } from '../api.js';
import { PageTitle } from '../components/PageTitle.js';
import { Panel } from '../components/Panel.js';
import { useLoad } from '../data.js';
import type { ExperimentResultsResponse } from '../../../client/index.js';

type Results = ExperimentResultsResponse;
type MetricResult = Results['results'][number];

const ACTION = {
  roll_out: { icon: '✅', text: 'ROLL OUT TO ALL' },
  keep_running: { icon: '⚠️', text: 'KEEP RUNNING' },
  stop: { icon: '❌', text: 'STOP' },
} as const;
const STATUS = { planned: 'Planned', running: 'In progress', stopped: 'Finished', rolled_out: 'Rolled out' };

const day = (s: string | null) => (s ? new Date(s).toISOString().slice(0, 10) : 'open');
const pct = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${x.toFixed(1)}%`);
function value(x: number | null, unit: string): string {
  if (x === null) return '—';
  if (unit === 'ratio') return `${(x * 100).toFixed(1)}%`;
  return `${Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2)} ${unit}`;
}
const pText = (p: number | null) => (p === null ? '' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

function Significance({ r }: { r: MetricResult }) {
  if (r.control.withheld || r.treatment.withheld) return <span className="muted">withheld</span>;
  if (r.test.pValue === null) return <span className="muted">—</span>;
  if (r.significant)
    return (
      <span>
        {r.improved ? '✅' : '❌'} Yes ({pText(r.test.pValue)})
      </span>
    );
  return (
    <span>
      {r.improved ? '⚠️ Trending' : 'No'} ({pText(r.test.pValue)})
    </span>
  );
}

function ResultsTable({ x }: { x: Results }) {
  const level = Math.round((1 - x.alpha) * 100);
  return (
    <table className="table" data-testid={`results-${x.experiment.id}`}>
      <thead>
        <tr>
          <th>Metric</th>
          <th>Control</th>
          <th>Treatment</th>
          <th>Difference [{level}% CI]</th>
          <th>Sig?</th>
        </tr>
      </thead>
      <tbody>
        {x.results.map((r) => (
          <tr
            key={r.metric}
            data-testid={`result-${x.experiment.id}-${r.metric}`}
            data-significant={r.significant ? '1' : '0'}
            data-percent={r.percent.value ?? ''}
          >
            <td title={`${r.test.name}${r.stratified ? ', within teams' : ''}`}>{r.title}</td>
            <td>{r.control.withheld ? 'withheld' : value(r.control.value, r.unit)}</td>
            <td>{r.treatment.withheld ? 'withheld' : value(r.treatment.value, r.unit)}</td>
            <td>
              {pct(r.percent.value)}
              {r.percent.low !== null && r.percent.high !== null && (
                <span className="muted">
                  {' '}
                  [{pct(r.percent.low)}, {pct(r.percent.high)}]
                </span>
              )}
            </td>
            <td>
              <Significance r={r} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ExperimentCard({ x }: { x: Results }) {
  const e = x.experiment;
  const warnings = [...x.warnings, ...x.results.flatMap((r) => r.warnings.map((w) => `${r.title}: ${w}`))];
  return (
    <Panel title={`${e.name}`} span={2} testid={`experiment-${e.id}`}>
      <p className="kpi-sub">
        Started {day(e.startedAt)}
        {e.endedAt ? ` · ended ${day(e.endedAt)}` : ''} | Status:{' '}
        <b data-testid="status">{STATUS[e.status]}</b> | Cohort: {e.cohortText || '—'} vs{' '}
        {e.control.type === 'rest' ? 'the rest' : e.control.teams.join(', ')}
      </p>
      {e.hypothesis && (
        <p>
          <b>Hypothesis:</b> {e.hypothesis}
          {Object.entries(e.expected).map(([m, v]) => (
            <span key={m} className="muted">
              {' '}
              (expected {pct(v)} on {m})
            </span>
          ))}
        </p>
      )}
      {x.results.length > 0 && <ResultsTable x={x} />}
      {warnings.length > 0 && (
        <ul className="warnings" data-testid="warnings">
          {warnings.map((w) => (
            <li key={w}>⚠️ {w}</li>
          ))}
        </ul>
      )}
      {e.notes && (
        <p className="muted">
          <b>Notes:</b> {e.notes}
        </p>
      )}
      {x.recommendation && (
        <div data-testid="recommendation" data-action={x.recommendation.action}>
          <p>
            <b>
              Recommendation: {ACTION[x.recommendation.action].icon} {ACTION[x.recommendation.action].text}
            </b>
          </p>
          <ul>
            {x.recommendation.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      )}
    </Panel>
  );
}

/** The seed's Experiments tab: active and finished experiments, each with its results and recommendation. */
export function Experiments() {
  const { data, error } = useLoad('experiments', () => api.experimentsWithResults());
  const active =
    data?.results.filter((x) => x.experiment.status === 'running' || x.experiment.status === 'planned') ?? [];
  const finished = data?.results.filter((x) => !active.includes(x)) ?? [];
  return (
    <>
      <PageTitle
        title="Platform experiments & A/B tests"
        subtitle="A cohort against a control on the same days: difference, interval and p-value per metric, and what to do"
      />
      {error && <p className="error">{error}</p>}
      <h2 data-testid="active-count">Active experiments ({active.length})</h2>
      <div className="grid" data-loaded={data || error ? '1' : '0'} data-testid="active">
        {active.map((x) => (
          <ExperimentCard key={x.experiment.id} x={x} />
        ))}
        {data && !active.length && (
          <p className="muted">No experiment is running (pitwall experiment create).</p>
        )}
      </div>
      <h2 data-testid="finished-count">Finished experiments ({finished.length})</h2>
      <div className="grid" data-testid="finished">
        {finished.map((x) => (
          <ExperimentCard key={x.experiment.id} x={x} />
        ))}
      </div>
    </>
  );
}
