import { api } from '../api.js';
import { useLoad, useMetricInfo } from '../data.js';
import { metricQuery, previousWindow, useFilters } from '../filters.js';
import { changeText, show, STATUS_LABEL, statusOf, trendOf, withheldShort } from '../format.js';
import { Panel } from './Panel.js';

/**
 * One metric over the window: value, unit, target, traffic light and the change against the
 * window before. data-value carries the API's number so tests compare it with the API's answer.
 */
export function MetricTile({ name, title, extra }: { name: string; title?: string; extra?: string }) {
  const [filters] = useFilters();
  const info = useMetricInfo(name);
  const cur = metricQuery(filters, info);
  const prev = metricQuery(filters, info, previousWindow(filters));
  const { data, error } = useLoad(
    `${name}|${JSON.stringify([cur.query, prev.query])}|${Boolean(info)}`,
    async () => {
      if (!info) return null;
      const [a, b] = await Promise.all([api.metric(name, cur.query), api.metric(name, prev.query)]);
      return {
        value: a.values[0]?.value ?? null,
        previous: b.values[0]?.value ?? null,
        withheld: a.values[0]?.withheld ?? null,
      };
    },
  );
  const unit = info?.unit ?? '';
  const value = data?.value ?? null;
  const status = info ? statusOf(value, info.direction, info.thresholds) : 'none';
  const trend = info && data ? trendOf(value, data.previous, info.direction) : 'unknown';
  const s = show(value, unit);
  const withheld = data?.withheld ?? null;
  return (
    <Panel
      title={title ?? info?.title ?? name}
      info={info}
      explain={name}
      testid={`tile-${name}`}
      note={
        cur.ignored.length
          ? `Whole organisation: this metric has no ${cur.ignored.join('/')} breakdown.`
          : extra
      }
    >
      {error && <p className="error">{error}</p>}
      <div className={`kpi status-${status}`}>
        <span className="light" title={STATUS_LABEL[status]} />
        <span
          className={withheld ? 'kpi-value withheld' : 'kpi-value'}
          data-testid={`value-${name}`}
          data-value={value ?? ''}
          data-withheld={withheld ?? undefined}
          data-loaded={data ? '1' : '0'}
          title={withheld ?? undefined}
        >
          {withheld ? withheldShort(withheld) : s.text}
        </span>
        {!withheld && <span className="kpi-unit">{s.unit}</span>}
      </div>
      <div className="kpi-sub">
        <span className={`badge status-${status}`}>{STATUS_LABEL[status]}</span>
        <span className={`trend trend-${trend}`}>{data ? changeText(value, data.previous, unit) : '…'}</span>
      </div>
    </Panel>
  );
}
