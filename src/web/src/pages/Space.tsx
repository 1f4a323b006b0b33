import { AiAdoptionRow } from '../charts/AiAdoption.js';
import {
  quarterText,
  scoreText,
  useSpace,
  type Space as SpaceData,
  type SpaceDimension,
  type SpaceMeasure,
} from '../charts/SpaceScore.js';
import { Panel } from '../components/Panel.js';
import { PageTitle } from '../components/PageTitle.js';
import { useFilters } from '../filters.js';
import { showText, STATUS_LABEL } from '../format.js';

const ABOUT: Record<SpaceDimension['dimension'], { what: string; why: string; action: string }> = {
  satisfaction: {
    what: 'How developers feel about the platform: NPS with its promoters, passives and detractors, satisfaction items, and the themes behind them.',
    why: 'Dissatisfaction shows in surveys before it shows in delivery metrics, and it predicts attrition.',
    action: 'Read the top drivers of dissatisfaction and fix the first one; tell developers you did.',
  },
  performance: {
    what: 'Outcomes of the delivery system: the DORA keys against their targets.',
    why: 'Fast, reliable delivery is what the platform exists to enable.',
    action: 'Work on the reddest key first; the Platform page breaks each one down.',
  },
  activity: {
    what: 'Averages per active developer per week, and the share of developers using platform tools. Team averages only: never a person, never a ranking.',
    why: 'Activity is context for the other dimensions; adoption says whether the platform is used at all.',
    action: 'Low adoption: ask non-users what stops them. Never set activity targets for people.',
  },
  communication: {
    what: 'How review and collaboration work: time to first review, comments per PR, approval rate, cross-team PRs.',
    why: 'Waiting for review is the most common flow killer; cross-team work spreads knowledge.',
    action: 'Agree on a review SLA and rotation; publish contribution guides for other teams.',
  },
  efficiency: {
    what: 'Flow and friction from the pulse survey and feedback: days in flow, time on valuable work, friction reports, cognitive load.',
    why: 'Developers in flow ship better work; high cognitive load precedes burnout.',
    action: 'Protect focus time, remove the top friction, and simplify the tools with the highest load.',
  },
};

function valueText(m: SpaceMeasure): string {
  if (m.withheld) return 'withheld';
  return showText(m.value, m.unit ?? '');
}

function targetText(m: SpaceMeasure): string {
  if (m.target === null) return '—';
  return `${m.direction === 'lower_is_better' ? '≤' : '≥'} ${showText(m.target, m.unit ?? '')}`;
}

function MeasureRows({ measures }: { measures: SpaceMeasure[] }) {
  return (
    <>
      {measures.map((m) => (
        <tr
          key={m.id}
          data-testid={`space-measure-${m.id}`}
          data-value={m.value ?? ''}
          className={`status-${m.status}`}
        >
          <td>
            <span className="light" /> {m.title}
          </td>
          <td className="num" title={m.withheld ?? m.note ?? ''}>
            {valueText(m)}
          </td>
          <td className="num muted">{targetText(m)}</td>
          <td className="num muted">{m.previous === null ? '—' : showText(m.previous, m.unit ?? '')}</td>
          <td>
            <span className={`badge status-${m.status}`}>
              {m.status === 'none'
                ? m.withheld
                  ? 'Withheld'
                  : m.note
                    ? 'No data'
                    : 'Not scored'
                : STATUS_LABEL[m.status]}
            </span>
          </td>
        </tr>
      ))}
    </>
  );
}

function Dimension({ d, data }: { d: SpaceDimension; data: SpaceData }) {
  const about = ABOUT[d.dimension];
  const withheld = d.measures.filter((m) => m.withheld);
  return (
    <Panel
      title={`${d.title}: ${scoreText(d.score)}/5`}
      testid={`space-${d.dimension}`}
      span={2}
      about={{ ...about, target: `Target ${d.target.toFixed(1)}/5` }}
      note={
        withheld.length
          ? `${withheld.length} measure(s) withheld: fewer people than privacy.min_group_size.`
          : undefined
      }
    >
      <p className={`kpi-sub status-${d.status}`} id={d.dimension}>
        <span className="light" />
        <b data-testid={`space-dim-score-${d.dimension}`}>{scoreText(d.score)}/5</b>
        <span className="muted">
          {d.basis === 'survey'
            ? `from the survey item ${d.survey?.metric ?? ''}`
            : d.basis === 'metrics'
              ? 'from its measures against their targets'
              : 'no data in this window'}
          {' · '}
          {quarterText(d.score, d.previous)}
        </span>
      </p>
      {d.dimension === 'satisfaction' && <Satisfaction data={data} />}
      <div className="table-wrap">
        <table className="mini">
          <thead>
            <tr>
              <th>Measure</th>
              <th className="num">Value</th>
              <th className="num">Target</th>
              <th className="num">Last quarter</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            <MeasureRows measures={d.measures} />
            {d.adoption?.map((a) => (
              <tr
                key={a.id}
                data-testid={`space-adoption-${a.id}`}
                data-value={a.share ?? ''}
                className={`status-${a.status}`}
              >
                <td>
                  <span className="light" /> Adoption: {a.title}
                </td>
                <td className="num" title={a.withheld ?? a.note ?? ''}>
                  {a.withheld
                    ? 'withheld'
                    : a.share === null
                      ? '—'
                      : `${a.users}/${a.developers} (${showText(a.share, 'ratio')})`}
                </td>
                <td className="num muted">≥ {showText(a.target, 'ratio')}</td>
                <td className="num muted">{a.previous === null ? '—' : showText(a.previous, 'ratio')}</td>
                <td>
                  <span className={`badge status-${a.status}`}>
                    {a.status === 'none' ? (a.withheld ? 'Withheld' : 'No data') : STATUS_LABEL[a.status]}
                  </span>
                </td>
              </tr>
            ))}
            {d.dimension === 'activity' && <AiAdoptionRow previous={data.previousWindow} />}
          </tbody>
        </table>
      </div>
      {d.dimension === 'efficiency' && <Friction data={data} />}
      {d.dimension === 'activity' && (
        <p className="muted" data-testid="space-developers">
          {data.activity.withheld ?? `Averages over ${data.activity.developers} active developers.`}
        </p>
      )}
    </Panel>
  );
}

type Drivers = NonNullable<SpaceData['satisfaction']['drivers']>;

function DriverList({ items, mark }: { items: Drivers['satisfaction']; mark: string }) {
  if (!items.length) return <p className="muted">No theme mentioned in this window.</p>;
  return (
    <ul className="plain">
      {items.map((d) => (
        <li key={d.theme} title={d.withheld ?? ''}>
          {mark} {d.summary}
        </li>
      ))}
    </ul>
  );
}

/** Friction reports by category (the feedback report's), against the window before. */
function Friction({ data }: { data: SpaceData }) {
  const rows = data.satisfaction.drivers?.friction ?? [];
  if (!rows.length) return null;
  return (
    <div data-testid="space-friction">
      <p>
        <b>Friction reports by category</b>
      </p>
      <ul className="plain">
        {rows.map((r) => (
          <li key={r.category} title={r.withheld ?? ''}>
            {r.category}:{' '}
            {r.withheld ? 'withheld' : `${r.reports ?? 0} reports (before: ${r.previous ?? '—'})`}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Satisfaction({ data }: { data: SpaceData }) {
  const s = data.satisfaction;
  const rows = [
    ['Promoters (9–10)', s.breakdown.promoters, 'promoters'],
    ['Passives (7–8)', s.breakdown.passives, 'passives'],
    ['Detractors (0–6)', s.breakdown.detractors, 'detractors'],
  ] as const;
  return (
    <>
      <ul className="bars" data-testid="space-nps-breakdown">
        {rows.map(([label, v, key]) => (
          <li key={key} data-testid={`space-nps-${key}`} data-value={v.value ?? ''}>
            <span>{label}</span>
            <span className="bar">
              <span className="fill status-none" style={{ width: `${v.value ?? 0}%` }} />
            </span>
            <span className="num" title={v.withheld ?? ''}>
              {v.withheld ? 'withheld' : v.value === null ? '—' : `${Math.round(v.value)}%`}
            </span>
          </li>
        ))}
      </ul>
      {s.trend.length > 0 && (
        <p className="muted" data-testid="space-nps-trend">
          NPS by month:{' '}
          {s.trend
            .map((p) => `${p.bucket.slice(0, 7)} ${p.withheld ? 'withheld' : showText(p.value, 'NPS')}`)
            .join(' · ')}
        </p>
      )}
      {s.drivers ? (
        <div data-testid="space-drivers">
          <p>
            <b>Top drivers of satisfaction</b>
          </p>
          <DriverList items={s.drivers.satisfaction} mark="✅" />
          <p>
            <b>Top drivers of dissatisfaction</b>
          </p>
          <DriverList items={s.drivers.dissatisfaction} mark="❌" />
        </div>
      ) : (
        <p className="muted">{s.driversNote}</p>
      )}
    </>
  );
}

/** The seed's page 2: the five SPACE dimensions, each measure against its target, scored 1–5. */
export function Space() {
  const [f] = useFilters();
  const { data, error } = useSpace(f);
  return (
    <>
      <PageTitle
        title="SPACE deep dive"
        subtitle="Satisfaction, performance, activity, collaboration and flow, each against its target; last quarter is the 91 days before the window"
      />
      {error && <p className="error">{error}</p>}
      <p
        className={`kpi-sub status-${data?.overall.status ?? 'none'}`}
        data-testid="space-page-overall"
        data-loaded={data || error ? '1' : '0'}
      >
        <span className="light" />
        <b>
          Overall {scoreText(data?.overall.score ?? null)}/5
          {data ? ` (target ${data.overall.target.toFixed(1)})` : ''}
        </b>
        {data && <span className="muted">{quarterText(data.overall.score, data.overall.previous)}</span>}
      </p>
      <div className="grid">
        {data?.dimensions.map((d) => (
          <Dimension key={d.dimension} d={d} data={data} />
        ))}
      </div>
    </>
  );
}
