import { api } from '../api.js';
import { Panel } from '../components/Panel.js';
import { useLoad, useMetricInfo } from '../data.js';
import { iso, useFilters } from '../filters.js';
import { day, show } from '../format.js';
import type { Annotation, Impact, ImpactComparison } from '../types.js';

interface Row {
  annotation: Annotation;
  impact: Impact | null;
  error: string | null;
}

const est = (e: { value: number | null; low: number | null; high: number | null }, unit: string) =>
  `${show(e.value, unit).text} [${show(e.low, unit).text}, ${show(e.high, unit).text}]`;

const pText = (p: number | null) => (p === null ? '—' : p < 0.0001 ? '< 0.0001' : p.toFixed(4));

function Cells({ c, unit }: { c: ImpactComparison; unit: string }) {
  const b = c.business;
  const money = b?.moneyPerYear;
  return (
    <>
      <td className="num" data-testid="impact-before" data-value={c.before.median.value ?? ''}>
        {est(c.before.median, unit)}
      </td>
      <td className="num" data-testid="impact-after" data-value={c.after.median.value ?? ''}>
        {est(c.after.median, unit)}
      </td>
      <td className="num" data-testid="impact-change" data-value={c.change.median.percent.value ?? ''}>
        {show(c.change.median.percent.value, '%').text}%
      </td>
      <td
        className="num"
        data-testid="impact-p"
        data-value={c.rankTest.pValue ?? ''}
        title={c.rankTest.significant ? 'significant' : 'not significant'}
      >
        {pText(c.rankTest.pValue)}
        {c.rankTest.significant ? ' ✓' : ''}
      </td>
      <td className="num" data-testid="impact-hours" data-value={b?.hoursPerYear.value ?? ''}>
        {b ? show(b.hoursPerYear.value, 'hours').text : '—'}
      </td>
      <td className="num" data-testid="impact-money" data-value={money?.value ?? ''}>
        {money ? `${show(money.value, b.currency).text} ${b.currency}` : '—'}
      </td>
    </>
  );
}

/**
 * The before/after comparison of a metric around its latest annotations (GET /api/v1/impact):
 * medians with their intervals, the rank test's p-value, and hours and money saved a year.
 * Every number is the API's; annotate a change with `pitwall annotate --metric` to list it here.
 */
export function ImpactPanel({
  metric,
  category,
  limit = 3,
}: {
  metric: string;
  /** Also the annotations of this category (changes recorded without naming the metric). */
  category?: string;
  limit?: number;
}) {
  const [f] = useFilters();
  const info = useMetricInfo(metric);
  const unit = info?.unit ?? '';
  const scope = { repo: f.repo ?? undefined, team: f.team ?? undefined };
  const { data, error } = useLoad(
    `impact|${metric}|${category}|${f.to}|${f.repo}|${f.team}`,
    async (): Promise<Row[]> => {
      const lists = await Promise.all([
        api.annotations({ metric, to: iso(f.to), limit }),
        ...(category ? [api.annotations({ category, to: iso(f.to), limit })] : []),
      ]);
      // Newest first, each once, as the API orders them (by date, then id).
      const byId = new Map<string, Annotation>();
      for (const a of lists.flatMap((l) => l.annotations)) byId.set(a.id, a);
      const annotations = [...byId.values()]
        .sort((a, b) => b.occurred_at.localeCompare(a.occurred_at) || a.id.localeCompare(b.id))
        .slice(0, limit);
      return Promise.all(
        annotations.map((annotation) =>
          api.impact({ metric, annotation: annotation.id, ...scope }).then(
            (impact): Row => ({ annotation, impact, error: null }),
            (e: unknown): Row => ({
              annotation,
              impact: null,
              error: e instanceof Error ? e.message : String(e),
            }),
          ),
        ),
      );
    },
  );
  return (
    <Panel
      title="Optimisation impact: before and after"
      testid="impact-panel"
      explain={metric}
      about={{
        what: `${info?.title ?? metric}: each recent change's median before and after it (28 days each side, 95% bootstrap intervals), a rank test, and the time it saves.`,
        why: 'An optimisation is worth what it saves developers; the interval and the p-value say whether the saving is real or noise.',
        action:
          'Trust a change whose interval excludes 0 and whose p-value is small; read its caveats (other changes, weekdays) with pitwall impact before announcing it.',
      }}
      note={f.team || f.repo ? `Only ${f.repo ?? f.team}.` : undefined}
    >
      {error && <p className="error">{error}</p>}
      {data && !data.length && (
        <p className="muted" data-testid="impact-empty">
          No annotated change yet: mark one with pitwall annotate "TEXT" --at DATE --metric {metric}.
        </p>
      )}
      {data && data.length > 0 && (
        <table className="mini" data-testid="impact-table">
          <thead>
            <tr>
              <th>Change</th>
              <th className="num">Median before</th>
              <th className="num">Median after</th>
              <th className="num">Change</th>
              <th className="num">p</th>
              <th className="num">Hours / year</th>
              <th className="num">Saved / year</th>
            </tr>
          </thead>
          <tbody>
            {data.map((r) => (
              <tr key={r.annotation.id} data-testid={`impact-row-${r.annotation.id}`}>
                <td>
                  {day(r.annotation.occurred_at)} {r.annotation.title}
                  {r.impact?.warnings.length ? (
                    <span className="muted" title={r.impact.warnings.join('\n')}>
                      {' '}
                      ⚠ {r.impact.warnings.length}
                    </span>
                  ) : null}
                </td>
                {r.impact?.comparisons[0] ? (
                  <Cells c={r.impact.comparisons[0]} unit={unit} />
                ) : (
                  <td colSpan={6} className="muted" data-testid="impact-error">
                    {r.error ?? 'no comparison'}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
