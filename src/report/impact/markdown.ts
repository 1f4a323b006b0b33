import * as f from './numbers.js';
import type { Comparison, ImpactReport } from './types.js';

/** "faster"/"slower" for durations, else "lower"/"higher", by which way the median moved. */
function direction(r: ImpactReport, change: number | null): string {
  if (change === null || change === 0) return 'no change in';
  const down = change < 0;
  if (r.metric.kind === 'duration') return down ? 'faster' : 'slower';
  return down ? 'lower' : 'higher';
}

/** "improvement" when the metric moved the good way. */
const improvement = (r: ImpactReport, change: number | null) =>
  change === null || change === 0
    ? 'change'
    : change < 0 === (r.metric.direction === 'lower_is_better')
      ? 'improvement'
      : 'regression';

const u = (r: ImpactReport) => r.metric.unit;

function resultLines(r: ImpactReport, c: Comparison): string[] {
  const unit = u(r);
  const med = c.change.median;
  const p90 = c.change.p90;
  const lines: string[] = [];
  if (r.metric.kind === 'ratio' && c.proportion) {
    const p = c.proportion;
    lines.push(
      `- 📉 **${p.label}: ${f.rate(p.before.rate)} → ${f.rate(p.after.rate)}** (${f.value(p.changePoints)} points; ${p.before.events} and ${p.after.events} events)`,
    );
  } else {
    lines.push(
      `- ⏱️ **${f.percent(med.percent.value)} ${direction(r, med.absolute.value)}** (${f.value(c.before.median.value)} ${unit} → ${f.value(c.after.median.value)} ${unit} median)`,
    );
  }
  const b = c.business;
  if (b) {
    lines.push(
      `- 📊 **${f.whole(b.hoursPerYear.value)} developer hours saved annually** (${f.value(b.savedPerEvent.value)} ${b.unit} saved per event × ${f.value(b.eventsPerWeek)} events per week = ${f.value(b.hoursPerWeek.value)} hours per week; interval ${f.whole(b.hoursPerYear.low)} to ${f.whole(b.hoursPerYear.high)} hours)`,
    );
    lines.push(
      b.moneyPerYear
        ? `- 💰 **${f.money(b.moneyPerYear.value, b.currency)} in productivity gains** per year at ${f.money(b.hourlyCost, b.currency)} per developer hour (interval ${f.money(b.moneyPerYear.low, b.currency)} to ${f.money(b.moneyPerYear.high, b.currency)})`
        : `- 💰 Money not computed: set \`costs.developer_hour\` in pitwall.yaml to price the hours`,
    );
  }
  if (r.metric.kind !== 'ratio')
    lines.push(
      `- 🎯 **${f.percent(p90.percent.value)} ${improvement(r, p90.absolute.value)} in P90** (${f.value(c.before.p90.value)} ${unit} → ${f.value(c.after.p90.value)} ${unit})`,
    );
  return lines;
}

function significanceLines(r: ImpactReport, c: Comparison): string[] {
  const conf = `${Math.round(r.method.confidence * 100)}%`;
  const med = c.change.median.absolute;
  const lines = [
    `- Rank test (Mann-Whitney U, as Kruskal-Wallis on two groups): ${f.pIs(c.rankTest.pValue)}, ${c.rankTest.significant ? 'significant' : 'not significant'} at ${f.value((1 - r.method.confidence) * 100, 0)}%; ${c.before.n} events before, ${c.after.n} after`,
    `- Median change: ${f.value(med.value)} ${u(r)} (${conf} interval ${f.value(med.low)} to ${f.value(med.high)}; bootstrap, ${r.method.resamples} resamples)`,
  ];
  const p = c.proportion;
  if (p && r.metric.kind !== 'ratio')
    lines.push(
      `- ${p.label[0]!.toUpperCase()}${p.label.slice(1)} (${p.metric}): ${f.rate(p.before.rate)} → ${f.rate(p.after.rate)} (${f.value(p.changePoints)} points, ${f.pIs(p.test.pValue)})`,
    );
  if (p && r.metric.kind === 'ratio')
    lines.push(`- Two-proportion test (chi-square on the 2x2 table): ${f.pIs(p.test.pValue)}`);
  const w = c.weekdays;
  const adj = w.adjusted;
  lines.push(
    w.holdsOnEveryWeekday === null
      ? `- Same weekday: too few events per weekday to compare (at least ${w.minPerWeekday} on each side)`
      : `- Same weekday: ${w.holdsOnEveryWeekday ? 'the change holds on every weekday compared' : `the change does not hold on ${w.against.join(', ')}`}; same-weekday change ${f.value(adj.value)} ${u(r)} (interval ${f.value(adj.low)} to ${f.value(adj.high)})`,
  );
  return lines;
}

function caveatLines(r: ImpactReport): string[] {
  const lines = r.warnings.map((w) => `- ${w}`);
  for (const a of r.confounders.annotations)
    lines.push(
      `- Also in the ${a.window} window: ${f.day(a.occurred_at)} ${a.title} (${a.category}, ${a.id})`,
    );
  const d = r.confounders.deployments;
  if (d.total)
    lines.push(
      `- ${d.total} deployments inside the windows (${d.before} before, ${d.after} after): ${d.byService
        .slice(0, 5)
        .map((s) => `${s.service}/${s.environment} ${s.before}+${s.after}`)
        .join(', ')}${d.byService.length > 5 ? ', ...' : ''}`,
    );
  lines.push(
    '- A before/after comparison is observational, not an experiment: anything else that changed between the windows (load, team, release cycle, holidays) can move the metric too.',
  );
  return lines;
}

/**
 * The seed's executive summary: The Problem, The Solution (the annotation), Results (% faster,
 * hours and money saved a year, P90), then significance and caveats. Every number is the JSON's,
 * written by numbers.ts.
 */
export function impactMarkdown(r: ImpactReport): string {
  const out: string[] = [];
  const title = r.annotation ? r.annotation.title : `${r.metric.title}: before and after`;
  out.push(`## ${title}: results`, '');
  const filters = Object.entries(r.where).map(([k, v]) => `${k} = ${v}`);
  out.push(
    `_${r.metric.title} (\`${r.metric.name}\`${filters.length ? `, ${filters.join(', ')}` : ''}): ${f.day(r.windows.before.from)} to ${f.day(r.windows.before.to)} against ${f.day(r.windows.after.from)} to ${f.day(r.windows.after.to)} (${f.value(r.windows.before.days)} and ${f.value(r.windows.after.days)} days)._`,
    '',
  );
  const all = r.comparisons;
  const first = all[0]!;
  out.push('### The Problem');
  if (r.by)
    out.push(
      `${r.metric.title} was measured per ${r.by} over ${all.reduce((s, c) => s + c.before.n, 0)} events before the change.`,
    );
  else if (r.metric.kind === 'ratio' && first.proportion)
    out.push(
      `The ${first.proportion.label} was ${f.rate(first.proportion.before.rate)} over ${first.before.n} events before the change.`,
    );
  else
    out.push(
      `${r.metric.kind === 'duration' ? 'Developers waited a median of' : `${r.metric.title} had a median of`} ${f.value(first.before.median.value)} ${u(r)} (P90 ${f.value(first.before.p90.value)} ${u(r)}) over ${first.before.n} events before the change.`,
    );
  out.push('', '### The Solution');
  out.push(
    r.annotation
      ? `${r.annotation.title} (${f.instant(r.annotation.occurred_at)}, ${r.annotation.category}).`
      : `The change made between ${f.instant(r.windows.before.to)} and ${f.instant(r.windows.after.from)}.`,
  );
  out.push('');
  for (const c of all) {
    out.push(c.group === null ? '### Results' : `### Results: ${r.by} ${c.group}`);
    out.push(...resultLines(r, c), '');
    out.push(c.group === null ? '### Significance' : `#### Significance: ${c.group}`);
    out.push(...significanceLines(r, c), '');
  }
  out.push('### Caveats', ...caveatLines(r), '');
  return out.join('\n');
}
