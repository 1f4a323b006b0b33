import { DoraPanel } from '../charts/DoraPanel.js';
import { InnerLoopTeamPanel } from '../charts/InnerLoopPanels.js';
import { SeriesPanel } from '../charts/SeriesPanel.js';
import { MetricTile } from '../components/MetricTile.js';
import { PageTitle } from '../components/PageTitle.js';
import { useFilters } from '../filters.js';

const PHASES = [
  'flow.cycle.coding_hours',
  'flow.cycle.pickup_hours',
  'flow.cycle.review_hours',
  'flow.cycle.merge_hours',
  'flow.cycle.deploy_hours',
];

/** One team's flow, reviews, delivery and CI. Team-level only: no per-person numbers, by design. */
export function Team() {
  const [f] = useFilters();
  return (
    <>
      <PageTitle
        title={`Team ${f.team ?? ''}`}
        subtitle="Pull-request flow, reviews, delivery, CI and the inner loop for one team"
      />
      <h2 className="section">Pull-request flow</h2>
      <div className="grid">
        <MetricTile name="github.prs.cycle_time_hours" />
        <MetricTile name="github.prs.merged" />
        <MetricTile name="github.prs.size_lines" />
        <MetricTile name="github.prs.stale_count_14d" />
        <SeriesPanel
          title="Where a PR's time goes (median hours per phase, per week)"
          metrics={PHASES}
          labels={['coding', 'pickup', 'review', 'merge', 'deploy']}
          stacked
          wide
          testid="pr-phases"
          about={{
            what: 'A merged PR’s life split into coding (first commit → opened), pickup (→ first review), review (→ approval), merge (→ merged) and deploy (→ in production).',
            why: 'The biggest bar is the team’s bottleneck; cutting it shortens cycle time the most.',
            action:
              'Long pickup: agree a review rota. Long review: smaller PRs. Long deploy: ship more often.',
            target: 'Targets: pickup ≤ 4 h, review ≤ 8 h, merge ≤ 2 h, deploy ≤ 24 h',
          }}
        />
      </div>
      <h2 className="section">Reviews</h2>
      <div className="grid">
        <MetricTile name="github.prs.time_to_first_review_hours" />
        <MetricTile name="flow.cycle.review_hours" />
        <MetricTile name="github.prs.with_review_comments_pct" />
        <MetricTile name="github.reviews.per_pr" />
      </div>
      <h2 className="section">Delivery (DORA)</h2>
      <div className="grid">
        <DoraPanel />
      </div>
      <h2 className="section">CI</h2>
      <div className="grid">
        <MetricTile name="ci.runs.success_rate" />
        <MetricTile name="ci.runs.duration_p90_minutes" />
        <MetricTile name="ci.jobs.queue_p50_seconds" />
        <MetricTile name="ci.tests.flaky_count" />
      </div>
      <h2 className="section">Test coverage</h2>
      <div className="grid">
        <MetricTile name="tests.coverage.line_rate" />
        <MetricTile name="tests.coverage.branch_rate" />
        <MetricTile name="tests.coverage.diff_line_rate" />
      </div>
      <h2 className="section">Inner loop (local commands)</h2>
      <div className="grid">
        <InnerLoopTeamPanel />
      </div>
    </>
  );
}
