import { api } from '../api.js';
import { MetricTile } from '../components/MetricTile.js';
import { useLoad, useMetricInfo } from '../data.js';
import { metricQuery, useFilters } from '../filters.js';
import { showText, STATUS_LABEL, statusOf } from '../format.js';
import { SeriesPanel } from './SeriesPanel.js';

/** AI-assistant adoption from the registry (GitHub Copilot's metrics, or any assistant's points: docs/copilot.md). */
export const AI_ADOPTION = 'copilot.adoption.active_share';
export const AI_ACCEPTANCE = 'copilot.completions.acceptance_rate';

/** The executive view: the adoption tile (against target and the window before) and its weekly trend. */
export function AiAdoptionPanels() {
  return (
    <>
      <MetricTile
        name={AI_ADOPTION}
        extra="Developers using the AI assistant on its busiest day, over the seats (or the active developers)."
      />
      <SeriesPanel
        title="Weekly: AI adoption and suggestion acceptance"
        metrics={[AI_ADOPTION, AI_ACCEPTANCE]}
        labels={['AI adoption', 'Suggestions accepted']}
        bucket="week"
        testid="ai-adoption-trend"
      />
    </>
  );
}

/**
 * The SPACE activity table's row: the adoption share in the view, its target and the value in
 * the quarter before (`previous`, the SPACE report's previous window), withheld like the others.
 */
export function AiAdoptionRow({ previous }: { previous: { from: string; to: string } }) {
  const [filters] = useFilters();
  const info = useMetricInfo(AI_ADOPTION);
  const cur = metricQuery(filters, info);
  const prev = { ...cur.query, from: previous.from, to: previous.to };
  const { data } = useLoad(
    `${AI_ADOPTION}|${JSON.stringify([cur.query, prev])}|${Boolean(info)}`,
    async () => {
      if (!info) return null;
      const [a, b] = await Promise.all([api.metric(AI_ADOPTION, cur.query), api.metric(AI_ADOPTION, prev)]);
      return { now: a.values[0] ?? null, before: b.values[0] ?? null };
    },
  );
  if (!info || !data) return null;
  const value = data.now?.value ?? null;
  const before = data.before?.value ?? null;
  const withheld = data.now?.withheld ?? null;
  const status = statusOf(value, info.direction, info.thresholds);
  return (
    <tr data-testid="space-adoption-copilot" data-value={value ?? ''} className={`status-${status}`}>
      <td>
        <span className="light" /> Adoption: Copilot
      </td>
      <td className="num" title={withheld ?? ''}>
        {withheld ? 'withheld' : showText(value, 'ratio')}
      </td>
      <td className="num muted">{info.thresholds ? `≥ ${showText(info.thresholds.green, 'ratio')}` : '—'}</td>
      <td className="num muted">{before === null ? '—' : showText(before, 'ratio')}</td>
      <td>
        <span className={`badge status-${status}`}>
          {status === 'none' ? (withheld ? 'Withheld' : 'No data') : STATUS_LABEL[status]}
        </span>
      </td>
    </tr>
  );
}
