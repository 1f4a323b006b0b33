import type { ExperimentResults, MetricResult } from './types.js';

const num = (x: number | null, unit: string) => {
  if (x === null) return '—';
  if (unit === 'ratio') return `${(x * 100).toFixed(1)}%`;
  const r = Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);
  return `${r} ${unit}`;
};
const pct = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${x.toFixed(1)}%`);
const pv = (x: number | null) => (x === null ? '—' : x < 0.001 ? 'p < 0.001' : `p = ${x.toFixed(3)}`);

export const ACTION_TEXT = { roll_out: 'ROLL OUT', keep_running: 'KEEP RUNNING', stop: 'STOP' } as const;

function row(r: MetricResult): string[] {
  const ci =
    r.percent.low === null || r.percent.high === null
      ? ''
      : ` [${pct(r.percent.low)}, ${pct(r.percent.high)}]`;
  return [
    r.title,
    r.control.withheld ? 'withheld' : num(r.control.value, r.unit),
    r.treatment.withheld ? 'withheld' : num(r.treatment.value, r.unit),
    `${pct(r.percent.value)}${ci}`,
    r.test.pValue === null ? '—' : `${r.significant ? 'yes' : 'no'} (${pv(r.test.pValue)})`,
  ];
}

/** `pitwall experiment show`: the experiment, the seed's results table, warnings and the recommendation. */
export function experimentText(x: ExperimentResults): string {
  const e = x.experiment;
  const out: string[] = [];
  out.push(`Experiment ${e.id}: ${e.name}`);
  out.push(
    `Status: ${e.status}  |  ${e.startedAt.toISOString().slice(0, 10)} → ${e.endedAt ? e.endedAt.toISOString().slice(0, 10) : 'open'}  |  Cohort: ${e.cohortText || '—'} vs ${e.control.type === 'rest' ? 'the rest' : `teams ${e.control.teams.join(', ')}`}  |  alpha ${x.alpha}`,
  );
  if (e.hypothesis) out.push(`Hypothesis: ${e.hypothesis}`);
  for (const [m, v] of Object.entries(e.expected)) out.push(`Expected: ${v > 0 ? '+' : ''}${v}% on ${m}`);
  out.push('');
  if (x.results.length) {
    const head = [
      'Metric',
      'Control',
      'Treatment',
      `Difference [${Math.round((1 - x.alpha) * 100)}% CI]`,
      'Significant?',
    ];
    const rows = [head, ...x.results.map(row)];
    const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows)
      out.push(
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      );
    out.push('');
    for (const r of x.results) {
      out.push(
        `${r.title}: ${r.control.events} control events (${r.control.people} people), ${r.treatment.events} treatment (${r.treatment.people}); ${r.test.name}${r.stratified ? ', within teams' : ''}` +
          (r.power
            ? `; power ${Math.round(r.power.power * 100)}% to detect ${pct(r.power.expectedPercent)}`
            : ''),
      );
      for (const w of r.warnings) out.push(`  ! ${w}`);
    }
  }
  for (const w of x.warnings) out.push(`! ${w}`);
  if (e.notes) out.push('', `Notes: ${e.notes}`);
  if (x.recommendation) {
    out.push('', `Recommendation: ${ACTION_TEXT[x.recommendation.action]}`);
    for (const r of x.recommendation.reasons) out.push(`  • ${r}`);
  }
  return out.join('\n') + '\n';
}
