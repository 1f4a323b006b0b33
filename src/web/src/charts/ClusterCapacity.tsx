import type { CSSProperties } from 'react';
import { Panel } from '../components/Panel.js';
import { show, statusOf } from '../format.js';
import { latestOf, useLatest } from './latest-values.js';

const METRICS = ['health.capacity.used_percent', 'health.query.state'] as const;
const ROW: CSSProperties = { gridTemplateColumns: '110px 1fr 60px 90px' };
const LABEL = { green: 'ok', yellow: 'warning', red: 'critical', none: '' } as const;

/**
 * Capacity used, one bar per PromQL check in percent (CPU, memory, disk), coloured by the
 * check's own state (its warn/crit in the health collector's options).
 */
export function ClusterCapacity() {
  const set = useLatest(METRICS, { by: 'check_name' });
  const used = set.groups.get('health.capacity.used_percent') ?? [];
  const state = latestOf(set, 'health.query.state');
  const states = new Map((set.groups.get('health.query.state') ?? []).map((v) => [v.group, v.value]));
  return (
    <Panel title="Current capacity" testid="cluster-capacity" span={2} info={latestOf(set, METRICS[0]).info}>
      {set.error && <p className="error">{set.error}</p>}
      {set.loaded && !set.error && !used.length && (
        <p className="muted" data-testid="cluster-capacity-empty">
          No capacity checks in this window: add PromQL checks with <code>unit: percent</code> to the{' '}
          <code>health</code> collector (docs/health.md), e.g. CPU and memory used.
        </p>
      )}
      <ul className="bars" data-loaded={set.loaded ? '1' : '0'}>
        {used.map((u) => {
          const status = state.info
            ? statusOf(states.get(u.group) ?? null, state.info.direction, state.info.thresholds)
            : 'none';
          return (
            <li key={u.group} style={ROW} data-testid={`capacity-${u.group}`} data-value={u.value ?? ''}>
              <span>{u.group}</span>
              <span className="bar">
                <span
                  className={`fill status-${status}`}
                  style={{ width: `${Math.min(100, u.value ?? 0)}%` }}
                />
              </span>
              <span className="num">{show(u.value, '').text}%</span>
              <span className={`badge status-${status}`}>{LABEL[status]}</span>
            </li>
          );
        })}
      </ul>
    </Panel>
  );
}
