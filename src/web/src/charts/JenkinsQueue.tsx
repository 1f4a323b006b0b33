import { Panel } from '../components/Panel.js';
import { changeText, show, showText } from '../format.js';
import { CapacityBar } from './CapacityBar.js';
import { latestOf, useLatest } from './latest-values.js';

const METRICS = [
  'jenkins.queue.depth',
  'jenkins.queue.wait_avg_minutes',
  'jenkins.queue.stuck',
  'jenkins.agents.busy',
  'jenkins.agents.total',
  'jenkins.agents.busy_share',
  'jenkins.executors.busy',
  'jenkins.executors.total',
  'jenkins.executors.busy_share',
] as const;

/**
 * The Jenkins build queue against its threshold (`metrics.thresholds` can move it), the agents
 * and executors busy of all of them as capacity bars, and how long queued builds have waited.
 */
export function JenkinsQueue() {
  const set = useLatest(METRICS);
  const depth = latestOf(set, 'jenkins.queue.depth');
  const wait = latestOf(set, 'jenkins.queue.wait_avg_minutes');
  const stuck = latestOf(set, 'jenkins.queue.stuck');
  const threshold = depth.info?.thresholds?.green ?? null;
  const breach = depth.value !== null && threshold !== null && depth.value > threshold;
  const empty = set.loaded && !set.error && depth.value === null;
  return (
    <Panel
      title="Jenkins queue and agents"
      testid="jenkins-queue"
      span={2}
      info={depth.info}
      explain="jenkins.queue.depth"
    >
      {set.error && <p className="error">{set.error}</p>}
      {empty && (
        <p className="muted" data-testid="jenkins-queue-empty">
          No Jenkins samples in this window: configure the <code>jenkins</code> collector (docs/jenkins.md);
          each run samples the queue and the agents.
        </p>
      )}
      <div className={`kpi status-${depth.status}`} data-loaded={set.loaded ? '1' : '0'}>
        <span className="light" />
        <span className="kpi-value" data-testid="jenkins-queue-depth" data-value={depth.value ?? ''}>
          {show(depth.value, '').text}
        </span>
        <span className="kpi-unit">builds queued</span>
        <span
          className={`badge status-${breach ? depth.status : 'green'}`}
          data-testid="jenkins-queue-threshold"
          data-breach={breach ? '1' : '0'}
        >
          {threshold === null
            ? 'no threshold'
            : breach
              ? `above threshold ${show(threshold, '').text}`
              : `within threshold ${show(threshold, '').text}`}
        </span>
      </div>
      <div className="kpi-sub">
        <span data-testid="jenkins-queue-wait" data-value={wait.value ?? ''}>
          Average wait: {showText(wait.value, 'minutes')}
        </span>
        <span data-testid="jenkins-queue-stuck">Stuck: {show(stuck.value, '').text}</span>
        <span className="trend">{set.loaded ? changeText(depth.value, depth.previous, 'builds') : '…'}</span>
      </div>
      <ul className="bars">
        <CapacityBar
          label="Agents"
          verb="busy"
          testid="jenkins-agents"
          used={latestOf(set, 'jenkins.agents.busy')}
          total={latestOf(set, 'jenkins.agents.total')}
          share={latestOf(set, 'jenkins.agents.busy_share')}
        />
        <CapacityBar
          label="Executors"
          verb="busy"
          testid="jenkins-executors"
          used={latestOf(set, 'jenkins.executors.busy')}
          total={latestOf(set, 'jenkins.executors.total')}
          share={latestOf(set, 'jenkins.executors.busy_share')}
        />
      </ul>
    </Panel>
  );
}
