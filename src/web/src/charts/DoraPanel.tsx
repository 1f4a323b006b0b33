import { api } from '../api.js';
import { Panel } from '../components/Panel.js';
import { useExplain } from '../components/ExplainDrawer.js';
import { useLoad, useRegistry } from '../data.js';
import { iso, previousWindow, useFilters } from '../filters.js';
import { changeText, show, targetText, trendOf } from '../format.js';
import type { DoraSummary, DoraTier } from '../types.js';

export const FOUR_KEYS = [
  'dora.deploys.days_per_week',
  'dora.lead_time.median_hours',
  'dora.change_failure.rate',
  'dora.recovery.failed_deployment_hours',
];

const TIER_CLASS: Record<DoraTier, string> = { elite: 'green', high: 'green', medium: 'yellow', low: 'red' };

/** The four keys with the tier each earns (2023 benchmark) and the change against the previous window. */
export function DoraPanel() {
  const [filters] = useFilters();
  const registry = useRegistry();
  const openExplain = useExplain();
  // The DORA read has no filters, only a group-by: ask per team (or repo) and keep our group's row.
  const by = filters.repo ? 'repo' : filters.team ? 'team' : null;
  const group = filters.repo ?? filters.team ?? null;
  const scope = { by };
  const prev = previousWindow(filters);
  const key = JSON.stringify(filters);
  const { data, error } = useLoad(key, () =>
    Promise.all([
      api.dora({ from: iso(filters.from), to: iso(filters.to), ...scope }),
      api.dora({ from: iso(prev.from), to: iso(prev.to), ...scope }),
    ]),
  );
  const value = (s: DoraSummary | undefined, m: string) =>
    s?.rows.find((r) => r.metric === m && r.group === group) ?? null;
  const overall = data?.[0].overall[group ?? '']?.tier2023 ?? null;
  return (
    <Panel
      title="DORA four keys"
      wide
      testid="dora-panel"
      about={{
        what: 'How often we ship to production, how long a change takes to get there, how often a deployment fails, and how fast we recover. Click a key for the rows behind it.',
        why: 'Together they measure delivery speed and stability; the DORA research ties elite scores to better business outcomes.',
        action: 'Improve the weakest key first: the overall tier is the lowest of the four.',
        target: 'Target: elite on every key',
      }}
    >
      {error && <p className="error">{error}</p>}
      <div className="dora-overall">
        Overall tier:{' '}
        <span className={`tier tier-${overall ?? 'none'}`} data-testid="dora-overall">
          {overall ?? 'no data'}
        </span>
      </div>
      <div className="dora-keys">
        {FOUR_KEYS.map((m) => {
          const info = registry.get(m);
          const cur = value(data?.[0], m);
          const before = value(data?.[1], m);
          const unit = info?.unit ?? '';
          const s = show(cur?.value, unit);
          const tier = cur?.tier2023 ?? null;
          const trend = info ? trendOf(cur?.value ?? null, before?.value ?? null, info.direction) : 'unknown';
          return (
            <button
              type="button"
              key={m}
              className="dora-key"
              onClick={() => openExplain(m)}
              data-testid={`dora-${m}`}
            >
              <span className="dora-title">{info?.title ?? m}</span>
              <span className="dora-value">
                <b data-testid={`value-${m}`} data-value={cur?.value ?? ''} data-loaded={data ? '1' : '0'}>
                  {s.text}
                </b>{' '}
                {s.unit}
              </span>
              <span className={`tier tier-${tier ?? 'none'} status-${tier ? TIER_CLASS[tier] : 'none'}`}>
                {tier ?? 'no data'}
              </span>
              <span className={`trend trend-${trend}`}>
                {data ? changeText(cur?.value ?? null, before?.value ?? null, unit) : '…'}
              </span>
              {info && <span className="target">{targetText(info.thresholds, info.direction, unit)}</span>}
            </button>
          );
        })}
      </div>
    </Panel>
  );
}
