import type { CSSProperties } from 'react';
import { Panel } from '../components/Panel.js';
import { showText, statusOf } from '../format.js';
import type { Status } from '../types.js';
import { latestOf, useLatest } from './latest-values.js';

const METRICS = [
  'health.service.state',
  'health.service.latency_ms',
  'health.service.uptime',
  'health.service.cert_days_left',
] as const;
const LABEL: Record<Status, string> = { green: 'Healthy', yellow: 'Degraded', red: 'Down', none: 'Unknown' };
const TILES: CSSProperties = {
  display: 'grid',
  gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))',
  gap: 10,
};
const TILE: CSSProperties = { border: '1px solid var(--line)', borderRadius: 6, padding: '8px 10px' };

/** One tile per platform service the health collector checks: its state's colour, latency, uptime. */
export function ServiceTiles() {
  const set = useLatest(METRICS, { by: 'service' });
  const state = latestOf(set, 'health.service.state');
  const per = (name: string) => new Map((set.groups.get(name) ?? []).map((v) => [v.group, v.value]));
  const [states, latency, uptime, cert] = METRICS.map(per);
  const services = [...states!.keys()].filter((s): s is string => s !== null).sort();
  return (
    <Panel
      title="Platform services"
      testid="service-tiles"
      wide
      info={state.info}
      about={{
        what: 'Each platform service the health collector checks (portal, registry, chat, monitoring…): its state, how fast it answered and its uptime in the window.',
        why: 'When a service developers depend on is down or slow, everyone waits, and nobody else notices first.',
        action:
          'Open a red or yellow service first: its latency, certificate and query checks say which check failed.',
        target: 'Target: every service healthy, uptime ≥ 99.9%',
      }}
    >
      {set.error && <p className="error">{set.error}</p>}
      {set.loaded && !set.error && !services.length && (
        <p className="muted" data-testid="service-tiles-empty">
          No health checks in this window: configure the <code>health</code> collector
          (docs/platform-health.md).
        </p>
      )}
      <div style={TILES} data-loaded={set.loaded ? '1' : '0'}>
        {services.map((s) => {
          const status = state.info
            ? statusOf(states!.get(s) ?? null, state.info.direction, state.info.thresholds)
            : 'none';
          return (
            <div
              key={s}
              style={TILE}
              className={`status-${status}`}
              data-testid={`service-tile-${s}`}
              data-status={status}
              data-latency={latency!.get(s) ?? ''}
            >
              <div>
                <span className="light" /> <b>{s}</b>
              </div>
              <div className={`badge status-${status}`} style={{ display: 'inline-block', margin: '4px 0' }}>
                {LABEL[status]}
              </div>
              <div className="muted">
                Latency: <span data-testid="service-latency">{showText(latency!.get(s), 'ms')}</span>
              </div>
              <div className="muted">Uptime: {showText(uptime!.get(s), 'ratio')}</div>
              {/* Plain-http services have no certificate: no line rather than a dash. */}
              {cert!.get(s) != null && (
                <div className="muted">Certificate: {showText(cert!.get(s), 'days')} left</div>
              )}
            </div>
          );
        })}
      </div>
    </Panel>
  );
}
