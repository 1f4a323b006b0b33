import { ActiveAlerts } from '../charts/ActiveAlerts.js';
import { ArgoSync } from '../charts/ArgoSync.js';
import { ClusterCapacity } from '../charts/ClusterCapacity.js';
import { JenkinsQueue } from '../charts/JenkinsQueue.js';
import { RecentActivity } from '../charts/RecentActivity.js';
import { ServiceTiles } from '../charts/ServiceTiles.js';
import { CriticalPath } from '../charts/CriticalPath.js';
import { FailureCategories } from '../charts/FailureCategories.js';
import { FlakyTests } from '../charts/FlakyTests.js';
import { QueueHeatmap } from '../charts/QueueHeatmap.js';
import { SeriesPanel } from '../charts/SeriesPanel.js';
import { IntakeHealth } from '../charts/IntakeHealth.js';
import { SourcesHealth } from '../charts/SourcesHealth.js';
import { MetricTile } from '../components/MetricTile.js';
import { PageTitle } from '../components/PageTitle.js';
import { Link, useSearchParams } from 'react-router';

const PERCENTILES = ['p50', 'p90', 'p99'];

/** For platform engineers: where pipelines and test environments lose developers' time. */
export function Platform() {
  const [search] = useSearchParams();
  return (
    <>
      <PageTitle
        title="Platform operations"
        subtitle="CI pipelines, tests, test environments and data collection"
      />
      <div className="grid">
        <ActiveAlerts />
      </div>
      <h2 className="section">Real-time health</h2>
      <div className="grid">
        <ServiceTiles />
        <JenkinsQueue />
        <ArgoSync />
        <ClusterCapacity />
        <RecentActivity />
      </div>
      <h2 className="section">Pipeline health</h2>
      <div className="grid">
        <MetricTile name="ci.runs.success_rate" />
        <MetricTile name="ci.runs.duration_p90_minutes" />
        <MetricTile name="ci.jobs.queue_p95_seconds" />
        <MetricTile name="ci.critical_path.duration_p50_minutes" />
        <QueueHeatmap />
        <SeriesPanel
          title="CI run duration percentiles per week"
          metrics={[
            'ci.runs.duration_p50_minutes',
            'ci.runs.duration_p90_minutes',
            'ci.runs.duration_p99_minutes',
          ]}
          labels={PERCENTILES}
          about={{
            what: 'How long a CI run takes from start to finish: the median run, and the slow 10% and 1%.',
            why: 'Developers wait on the slow runs; a rising p90 or p99 is felt long before the median moves.',
            action: 'When p90 rises, open the critical path below and speed up its largest stage.',
            target: 'Target p50 ≤ 10 min, p90 ≤ 20 min, p99 ≤ 30 min',
          }}
          testid="ci-duration-series"
          span={2}
        />
        <SeriesPanel
          title="CI success rate per week"
          metrics={['ci.runs.success_rate']}
          testid="ci-success-series"
          span={2}
        />
        <CriticalPath />
        <FlakyTests />
        <SourcesHealth />
        <IntakeHealth />
      </div>
      <h2 className="section">
        Test-environment provisioning{' '}
        <Link className="link" to={`/test-environments?${search.toString()}`} data-testid="testenv-page-link">
          all test-environment analytics →
        </Link>
      </h2>
      <div className="grid">
        <MetricTile name="testenv.provision.duration_p50_minutes" />
        <MetricTile name="testenv.provision.duration_p90_minutes" />
        <MetricTile name="testenv.provision.duration_p99_minutes" />
        <MetricTile name="testenv.provision.success_rate" />
        <SeriesPanel
          title="Provisioning time percentiles per week"
          metrics={[
            'testenv.provision.duration_p50_minutes',
            'testenv.provision.duration_p90_minutes',
            'testenv.provision.duration_p99_minutes',
          ]}
          labels={PERCENTILES}
          about={{
            what: 'Time from asking for a test environment to it being ready, per week: median, p90 and p99.',
            why: 'Developers cannot test their change until the environment is up; the tail is what they remember.',
            action: 'Find the phase that grew in the breakdown beside this chart and work on it.',
            target: 'Target p50 ≤ 10 min, p90 ≤ 15 min, p99 ≤ 25 min',
          }}
          testid="testenv-series"
          span={2}
        />
        <SeriesPanel
          title="Provisioning phases (median minutes per week)"
          metrics={['testenv.phase.duration_p50_minutes']}
          by="phase"
          stacked
          testid="testenv-phases"
        />
        <FailureCategories />
      </div>
    </>
  );
}
