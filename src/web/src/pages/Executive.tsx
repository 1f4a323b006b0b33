import { AiAdoptionPanels } from '../charts/AiAdoption.js';
import { DoraPanel, FOUR_KEYS } from '../charts/DoraPanel.js';
import { DxiPanel } from '../charts/DxiPanel.js';
import { HeadlinePanel } from '../charts/HeadlinePanel.js';
import { InsightsPanels } from '../charts/InsightsPanels.js';
import { Scorecard } from '../charts/Scorecard.js';
import { SeriesPanel } from '../charts/SeriesPanel.js';
import { TrendForecast } from '../charts/TrendForecast.js';
import { SpaceScore } from '../charts/SpaceScore.js';
import { MetricTile } from '../components/MetricTile.js';
import { PageTitle } from '../components/PageTitle.js';
import { RoiPanel } from '../charts/RoiPanel.js';

/** For the CTO and VPs: are we getting faster and happier, and what needs a decision. */
export function Executive() {
  return (
    <>
      <PageTitle
        title="Engineering health"
        subtitle="Delivery performance and developer experience, against target"
      />
      <div className="grid">
        <HeadlinePanel />
        <RoiPanel />
        <DxiPanel />
        <MetricTile name="dx.survey.nps" />
        <MetricTile name="dx.survey.satisfaction" />
        <SpaceScore />
        <AiAdoptionPanels />
        <DoraPanel />
        <Scorecard
          title="Developer experience vs target"
          span={2}
          testid="dx-scorecard"
          metrics={[
            'dx.survey.satisfaction',
            'github.prs.cycle_time_hours',
            'flow.cycle.review_hours',
            'ci.runs.success_rate',
            'ci.tests.determinism_rate',
            'ci.jobs.queue_share',
            'testenv.provision.duration_p50_minutes',
          ]}
          about={{
            what: 'Satisfaction, flow, reliability and efficiency measures (the SPACE dimensions we can measure) against their targets.',
            why: 'Green everywhere means developers spend their time on the product, not on waiting or re-running.',
            action:
              'Each red row has an owner on the platform or team dashboard; click a row for the data behind it.',
          }}
        />
        <InsightsPanels />
        <TrendForecast
          title="Trend and next quarter: deployment frequency"
          metric="dora.deploys.days_per_week"
          testid="trend-deploys"
        />
        <TrendForecast title="Trend and next quarter: lead time" metric="dora.lead_time.median_hours" />
        <TrendForecast title="Trend and next quarter: developer NPS" metric="dx.survey.nps" />
        <TrendForecast
          title="Trend and next quarter: change failure rate"
          metric="dora.change_failure.rate"
        />
        {FOUR_KEYS.map((m) => (
          <SeriesPanel key={m} title={`Weekly: ${shortTitle(m)}`} metrics={[m]} bucket="week" />
        ))}
      </div>
    </>
  );
}

const SHORT: Record<string, string> = {
  'dora.deploys.days_per_week': 'deployment frequency',
  'dora.lead_time.median_hours': 'lead time',
  'dora.change_failure.rate': 'change failure rate',
  'dora.recovery.failed_deployment_hours': 'recovery time',
};
const shortTitle = (m: string) => SHORT[m] ?? m;
