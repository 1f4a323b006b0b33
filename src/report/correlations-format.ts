import type { Correlation } from './correlations.js';
import type { StrongestTable } from './correlations-strongest.js';

const p = (v: number | null) => (v === null ? '—' : v < 0.0001 ? '< 0.0001' : v.toFixed(4));
const rho = (v: number | null) => (v === null ? '—' : v.toFixed(3));
const day = (d: Date) => d.toISOString().slice(0, 10);

/** `pitwall correlate X Y` as text: the numbers, the verdict in words, warnings and the caveat. */
export function correlationText(c: Correlation): string {
  const verdict =
    c.rho === null
      ? 'no correlation can be computed'
      : `${c.strength} ${c.rho < 0 ? 'negative' : 'positive'} relation, ${c.significant ? `significant at ${c.alpha}` : `not significant at ${c.alpha}`}`;
  const lines = [
    `${c.x.title} (${c.x.name}) vs ${c.y.title} (${c.y.name})`,
    `team x ${c.bucket}, ${day(c.window.from)} to ${day(c.window.to)}`,
    '',
    `Spearman rho  ${rho(c.rho)}`,
    `p-value       ${p(c.pValue)}`,
    `n             ${c.n} points (${c.withheld.cells} withheld for privacy, ${c.unpaired} with one side only)`,
    `              ${verdict}`,
  ];
  if (c.warnings.length) lines.push('', ...c.warnings.map((w) => `! ${w}`));
  lines.push('', c.caveat, `Method: ${c.method}.`);
  return lines.join('\n') + '\n';
}

/** The strongest-relations table as text. */
export function strongestText(t: StrongestTable): string {
  const head = `Strongest relations, team x ${t.bucket}, ${day(t.window.from)} to ${day(t.window.to)}`;
  const rows = t.relations.map(
    (r) =>
      `${(r.significant ? '* ' : '  ') + rho(r.rho).padStart(7)}  p ${p(r.pValue).padEnd(9)} n ${String(r.n).padStart(4)}  ${r.x.name} ~ ${r.y.name}`,
  );
  const lines = [head, '', ...rows, '', '* significant'];
  for (const s of t.skipped) lines.push(`skipped ${s.metric}: ${s.reason}`);
  lines.push('', t.caveat);
  return lines.join('\n') + '\n';
}
