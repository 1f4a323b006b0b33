import { ImpactPanel } from '../charts/ImpactPanel.js';
import { SeriesPanel } from '../charts/SeriesPanel.js';
import { useTestenv } from '../charts/TestenvData.js';
import { TestenvEarly } from '../charts/TestenvOptimisation.js';
import { TestenvDistribution, TestenvWeekOverWeek } from '../charts/TestenvPerformance.js';
import { TestenvPhases } from '../charts/TestenvPhases.js';
import { TestenvRepos } from '../charts/TestenvRepos.js';
import {
  TestenvFailureTable,
  TestenvReprovisions,
  TestenvSlowest,
  TestenvVolume,
} from '../charts/TestenvVolume.js';
import { MetricTile } from '../components/MetricTile.js';
import { PageTitle } from '../components/PageTitle.js';

/**
 * Test-environment provisioning, in the sections of the provisioning plan: performance, phases,
 * volume and reliability, optimisation impact, repository breakdown. Tiles are registry metrics;
 * the rest comes from GET /api/v1/testenv (the same metrics, bucketed and grouped).
 */
export function TestEnv() {
  const { data, error } = useTestenv();
  return (
    <>
      <PageTitle
        title="Test environments"
        subtitle="How long developers wait for a test environment, where the time goes, and how reliable it is"
      />
      {error && <p className="error">{error}</p>}
      <h2 className="section" data-testid="testenv-section-performance">
        Provisioning performance
      </h2>
      <div className="grid">
        <MetricTile name="testenv.provision.duration_p50_minutes" />
        <MetricTile name="testenv.provision.duration_p90_minutes" />
        <MetricTile name="testenv.provision.duration_p99_minutes" />
        <TestenvWeekOverWeek data={data} />
        <SeriesPanel
          title="Provisioning time percentiles per week"
          metrics={[
            'testenv.provision.duration_p50_minutes',
            'testenv.provision.duration_p90_minutes',
            'testenv.provision.duration_p99_minutes',
          ]}
          labels={['p50', 'p90', 'p99']}
          testid="testenv-percentiles"
          span={2}
        />
        <TestenvDistribution data={data} />
      </div>
      <h2 className="section" data-testid="testenv-section-phases">
        Breakdown by phase
      </h2>
      <div className="grid">
        <TestenvPhases data={data} />
        <SeriesPanel
          title="Phase time p90 per week"
          metrics={['testenv.phase.duration_p90_minutes']}
          by="phase"
          testid="testenv-phases-p90"
          span={2}
        />
      </div>
      <h2 className="section" data-testid="testenv-section-volume">
        Volume and reliability
      </h2>
      <div className="grid">
        <MetricTile name="testenv.provision.per_day" />
        <MetricTile name="testenv.provision.per_week" />
        <MetricTile name="testenv.provision.failure_rate" />
        <MetricTile name="testenv.reprovision.rate" />
        <TestenvVolume data={data} />
        <TestenvFailureTable data={data} />
        <TestenvReprovisions data={data} />
        <TestenvSlowest data={data} />
      </div>
      <h2 className="section" data-testid="testenv-section-optimisation">
        Optimisation impact
      </h2>
      <div className="grid">
        <MetricTile name="testenv.provision.early_share" />
        <MetricTile name="testenv.ci_delay.median_minutes" />
        <MetricTile name="testenv.ci_delay.p90_minutes" />
        <MetricTile name="testenv.parallel.median_minutes" />
        <TestenvEarly data={data} />
        {/* The before/after comparison of the impact analysis mounts here. */}
        <div data-testid="testenv-impact" style={{ gridColumn: '1 / -1' }}>
          <ImpactPanel metric="testenv.provision.duration_p50_minutes" category="testenv" />
        </div>
      </div>
      <h2 className="section" data-testid="testenv-section-repos">
        Repository breakdown
      </h2>
      <div className="grid">
        <TestenvRepos data={data} />
      </div>
    </>
  );
}
