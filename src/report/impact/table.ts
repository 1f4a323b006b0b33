import Table from 'cli-table3';
import * as f from './numbers.js';
import type { Comparison, Estimate, ImpactReport } from './types.js';

const table = (head: string[]) => new Table({ head, style: { head: [], border: [], compact: true } });
const est = (e: Estimate) => `${f.value(e.value)}${f.interval(e)}`;

function comparisonText(r: ImpactReport, c: Comparison): string {
  const conf = `${Math.round(r.method.confidence * 100)}%`;
  const out: string[] = [];
  if (c.group !== null) out.push(`${r.by} ${c.group}`);
  const t = table(['', `before [${conf}]`, `after [${conf}]`, `change [${conf}]`, 'change %']);
  t.push([
    'events',
    `${c.before.n} (${f.value(c.before.perWeek)}/week)`,
    `${c.after.n} (${f.value(c.after.perWeek)}/week)`,
    '',
    '',
  ]);
  for (const s of ['median', 'p90', 'p99', 'mean'] as const)
    t.push([
      s,
      est(c.before[s]),
      est(c.after[s]),
      est(c.change[s].absolute),
      `${f.signedPercent(c.change[s].percent.value)}${f.interval(c.change[s].percent, 0)}`,
    ]);
  out.push(t.toString());
  out.push(
    `rank test (Mann-Whitney U as Kruskal-Wallis): ${f.pIs(c.rankTest.pValue)} (${c.rankTest.significant ? 'significant' : 'not significant'})`,
  );
  const p = c.proportion;
  if (p)
    out.push(
      `${p.label} (${p.metric}): ${f.rate(p.before.rate)} of ${p.before.events} → ${f.rate(p.after.rate)} of ${p.after.events} (${f.value(p.changePoints)} points), chi-square ${f.pIs(p.test.pValue)}`,
    );
  const w = table(['weekday', 'n before', 'median before', 'n after', 'median after', 'change', 'p']);
  for (const d of c.weekdays.rows)
    w.push([
      d.name,
      String(d.before.n),
      f.value(d.before.median),
      String(d.after.n),
      f.value(d.after.median),
      f.value(d.change),
      f.pValue(d.pValue),
    ]);
  out.push(w.toString());
  const holds = c.weekdays.holdsOnEveryWeekday;
  out.push(
    `same weekday: ${holds === null ? 'too few events per weekday' : holds ? 'holds on every weekday compared' : `does not hold on ${c.weekdays.against.join(', ')}`}; same-weekday change ${est(c.weekdays.adjusted)} ${r.metric.unit}`,
  );
  const b = c.business;
  if (b)
    out.push(
      `business impact: ${est(b.savedPerEvent)} ${b.unit} saved per event × ${f.value(b.eventsPerWeek)}/week = ${est(b.hoursPerWeek)} hours/week, ${f.whole(b.hoursPerYear.value)} [${f.whole(b.hoursPerYear.low)}, ${f.whole(b.hoursPerYear.high)}] hours/year${b.moneyPerYear ? `, ${f.money(b.moneyPerYear.value, b.currency)} [${f.money(b.moneyPerYear.low, b.currency)}, ${f.money(b.moneyPerYear.high, b.currency)}]/year at ${f.money(b.hourlyCost, b.currency)}/hour` : ' (set costs.developer_hour for money)'}`,
    );
  return out.join('\n');
}

/** `pitwall impact` as text: the windows, each comparison, what else changed, the warnings. */
export function impactTable(r: ImpactReport): string {
  const out: string[] = [];
  out.push(`${r.metric.name} (${r.metric.unit}, ${r.metric.direction.replaceAll('_', ' ')})`);
  if (r.annotation)
    out.push(
      `annotation ${r.annotation.id}: ${r.annotation.title} at ${f.instant(r.annotation.occurred_at)}`,
    );
  const w = r.windows;
  out.push(
    `before ${f.instant(w.before.from)} .. ${f.instant(w.before.to)} (${f.value(w.before.days)} days), after ${f.instant(w.after.from)} .. ${f.instant(w.after.to)} (${f.value(w.after.days)} days)`,
  );
  if (Object.keys(r.where).length)
    out.push(
      `only ${Object.entries(r.where)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  out.push(
    `bootstrap: ${r.method.resamples} resamples, seed ${r.method.seed}; minimum sample ${r.method.minSample}`,
    '',
  );
  for (const c of r.comparisons) out.push(comparisonText(r, c), '');
  const conf = r.confounders;
  out.push(
    `possible confounders: other annotations ${conf.annotations.length}, deployments ${conf.deployments.total} (${conf.deployments.before} before, ${conf.deployments.after} after)`,
  );
  for (const a of conf.annotations)
    out.push(`  ${a.window}: ${f.instant(a.occurred_at)} ${a.id} ${a.title} (${a.category})`);
  for (const s of conf.deployments.byService.slice(0, 10))
    out.push(`  deployments ${s.service}/${s.environment}: ${s.before} before, ${s.after} after`);
  if (r.warnings.length) out.push('', 'warnings:', ...r.warnings.map((x) => `  - ${x}`));
  return out.join('\n') + '\n';
}
