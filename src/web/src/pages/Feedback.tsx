import { useMemo } from 'react';
import { api } from '../api.js';
import { Chart, type ChartOption } from '../components/Chart.js';
import { PageTitle } from '../components/PageTitle.js';
import { Panel } from '../components/Panel.js';
import { useLoad } from '../data.js';
import { useFilters, iso } from '../filters.js';
import type { FeedbackSummaryResponse } from '../../../client/index.js';

type Summary = FeedbackSummaryResponse;
type Driver = Summary['drivers']['satisfaction'][number];

const changeText = (c: Summary['friction']['byCategory'][number]) =>
  c.change === null ? '—' : c.change === 0 ? '±0' : c.change > 0 ? `+${c.change}` : String(c.change);

function Drivers({ list, kind }: { list: Driver[]; kind: 'satisfaction' | 'dissatisfaction' }) {
  if (!list.length) return <p className="muted">No configured theme is mentioned in this window.</p>;
  return (
    <ul className="drivers" data-testid={`drivers-${kind}`}>
      {list.map((d) => (
        <li
          key={d.theme}
          data-testid={`driver-${d.theme}`}
          data-people={d.people ?? ''}
          data-withheld={d.withheld ? '1' : '0'}
        >
          <span className={`badge status-${kind === 'satisfaction' ? 'green' : 'red'}`}>
            {kind === 'satisfaction' ? '+' : '−'}
          </span>{' '}
          {d.summary}
        </li>
      ))}
    </ul>
  );
}

function Trend({ weekly }: { weekly: Summary['friction']['weekly'] }) {
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 16, top: 16, bottom: 30 },
      xAxis: { type: 'category', data: weekly.map((w) => w.week) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ name: 'Friction reports', type: 'bar', data: weekly.map((w) => w.reports) }],
    }),
    [weekly],
  );
  return <Chart option={option} height={220} testid="friction-trend" />;
}

/** The seed's Feedback tab: friction by category with its trend, and the top drivers by theme. */
export function Feedback() {
  const [f] = useFilters();
  const q = { from: iso(f.from), to: iso(f.to), team: f.team };
  const { data, error } = useLoad(`feedback|${f.from}|${f.to}|${f.team ?? ''}`, () => api.feedbackSummary(q));
  const withheldWeeks = data?.friction.weekly.filter((w) => w.withheld).length ?? 0;
  return (
    <>
      <PageTitle
        title="Feedback"
        subtitle="Friction reports and what developers say, from feedback and survey comments: counts only, never a person’s words"
      />
      {error && <p className="error">{error}</p>}
      <div className="grid" data-loaded={data || error ? '1' : '0'}>
        <Panel
          title="Friction by category"
          span={2}
          testid="friction-by-category"
          about={{
            what: 'Feedback marked as friction in this window, by category, against the window of the same length before it.',
            why: 'A category that keeps coming back is a platform problem, not one person’s bad day.',
            action: 'Fix the category with the most reports first, then tell the teams what changed.',
          }}
          note={`Categories with fewer than ${data?.minGroupSize ?? 5} reporters are withheld (privacy.min_group_size).`}
        >
          {data && (
            <>
              <p
                className="kpi-sub"
                data-testid="friction-total"
                data-value={data.friction.total.reports ?? ''}
              >
                <b>{data.friction.total.reports ?? 'withheld'}</b> friction reports
                <span className="muted"> (before: {data.friction.total.previous ?? 'withheld'})</span>
              </p>
              <table className="mini">
                <thead>
                  <tr>
                    <th>Category</th>
                    <th className="num">Reports</th>
                    <th className="num">Before</th>
                    <th className="num">Change</th>
                  </tr>
                </thead>
                <tbody>
                  {data.friction.byCategory.map((c) => (
                    <tr key={c.category} data-testid={`friction-${c.category}`} data-value={c.reports ?? ''}>
                      <td>{c.category}</td>
                      <td className="num" title={c.withheld ?? ''}>
                        {c.reports ?? 'withheld'}
                      </td>
                      <td className="num muted">{c.previous ?? 'withheld'}</td>
                      <td className="num">{changeText(c)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </Panel>
        <Panel
          title="Friction trend"
          span={2}
          testid="friction-weekly"
          about={{
            what: 'Friction reports per week (weeks start on Monday, UTC).',
            why: 'Whether the platform is getting easier to work with, or harder.',
            action: 'A rising week: read its reports’ categories and look for the change behind them.',
          }}
          note={
            withheldWeeks
              ? `${withheldWeeks} week(s) withheld: fewer reporters than privacy.min_group_size.`
              : undefined
          }
        >
          {data && <Trend weekly={data.friction.weekly} />}
        </Panel>
        <Panel
          title="Top drivers of dissatisfaction"
          span={2}
          testid="drivers-dissatisfaction-panel"
          about={{
            what: 'Configured themes (feedback.themes) found in feedback and survey comments, counted as distinct developers who mention them.',
            why: 'The themes most developers raise are where a fix helps most people.',
            action: 'Take the top theme to the team that owns it; report back when it is fixed.',
          }}
        >
          {data && <Drivers list={data.drivers.dissatisfaction} kind="dissatisfaction" />}
        </Panel>
        <Panel
          title="Top drivers of satisfaction"
          span={2}
          testid="drivers-satisfaction-panel"
          about={{
            what: 'Themes of praise, counted the same way.',
            why: 'What works is worth keeping, and worth telling other teams about.',
            action: 'Protect these when you change the platform; spread them to the teams that lack them.',
          }}
        >
          {data && <Drivers list={data.drivers.satisfaction} kind="satisfaction" />}
          {data && (
            <p className="muted" data-testid="feedback-sources">
              From {data.sources.feedback} feedback entries and {data.sources.comments} survey comments. Share
              the form: <a href="/feedback">/feedback</a>.
            </p>
          )}
        </Panel>
      </div>
    </>
  );
}
