import { Panel } from '../components/Panel.js';
import { changeText, show } from '../format.js';
import { CapacityBar } from './CapacityBar.js';
import { latestOf, useLatest } from './latest-values.js';

const METRICS = [
  'argocd.sync.failure_rate',
  'argocd.sync.failed_apps',
  'argocd.apps.healthy',
  'argocd.apps.total',
  'argocd.apps.healthy_share',
] as const;

/** Argo CD: the share of applications whose last sync failed, against its threshold, and how many are healthy. */
export function ArgoSync() {
  const set = useLatest(METRICS);
  const rate = latestOf(set, 'argocd.sync.failure_rate');
  const failed = latestOf(set, 'argocd.sync.failed_apps');
  const threshold = rate.info?.thresholds?.green ?? null;
  const breach = rate.value !== null && threshold !== null && rate.value > threshold;
  const empty = set.loaded && !set.error && latestOf(set, 'argocd.apps.total').value === null;
  return (
    <Panel
      title="Argo CD sync"
      testid="argocd-sync"
      span={2}
      info={rate.info}
      explain="argocd.sync.failure_rate"
    >
      {set.error && <p className="error">{set.error}</p>}
      {empty && (
        <p className="muted" data-testid="argocd-sync-empty">
          No Argo CD samples in this window: configure the <code>argocd</code> collector (docs/argocd.md);
          each run samples every application’s health and last sync.
        </p>
      )}
      <div className={`kpi status-${rate.status}`} data-loaded={set.loaded ? '1' : '0'}>
        <span className="light" />
        <span className="kpi-value" data-testid="argocd-failure-rate" data-value={rate.value ?? ''}>
          {show(rate.value, 'ratio').text}
        </span>
        <span className="kpi-unit">% of syncs failed</span>
        <span
          className={`badge status-${breach ? rate.status : 'green'}`}
          data-testid="argocd-threshold"
          data-breach={breach ? '1' : '0'}
        >
          {threshold === null
            ? 'no threshold'
            : `${breach ? 'above' : 'within'} threshold ${show(threshold, 'ratio').text}%`}
        </span>
      </div>
      <div className="kpi-sub">
        <span data-testid="argocd-failed-apps">Failed syncs: {show(failed.value, '').text} apps</span>
        <span className="trend">{set.loaded ? changeText(rate.value, rate.previous, 'ratio') : '…'}</span>
      </div>
      <ul className="bars">
        <CapacityBar
          label="Healthy apps"
          verb="healthy"
          testid="argocd-healthy"
          used={latestOf(set, 'argocd.apps.healthy')}
          total={latestOf(set, 'argocd.apps.total')}
          share={latestOf(set, 'argocd.apps.healthy_share')}
        />
      </ul>
    </Panel>
  );
}
