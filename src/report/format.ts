import Table from 'cli-table3';
import type { Report, ReportLine } from './build.js';

const STATUS: Record<ReportLine['status'], string> = {
  green: '● green',
  yellow: '● yellow',
  red: '● red',
  none: '○ —',
};
const TREND: Record<ReportLine['trend'], string> = {
  better: '▲ better',
  worse: '▼ worse',
  flat: '= flat',
  unknown: '',
};

export function formatNumber(v: number | null, unit: string): string {
  if (v === null) return '—';
  if (unit === 'ratio') return `${(v * 100).toFixed(1)}%`;
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const abs = Math.abs(v);
  const s = abs >= 1000 ? Math.round(v).toLocaleString('en-US') : abs >= 10 ? v.toFixed(1) : v.toFixed(2);
  return s;
}

function changeText(l: ReportLine): string {
  if (l.change === null) return '—';
  const sign = l.change > 0 ? '+' : '';
  return `${sign}${formatNumber(l.change, l.unit)} ${TREND[l.trend]}`.trim();
}

/** A withheld value reads as the reason's first words ("withheld: fewer than 5 people"), never a number. */
export const withheldShort = (reason: string) => reason.split(' (')[0]!;

function cells(l: ReportLine, grouped: boolean): string[] {
  const c = [
    l.metric,
    l.withheld ? withheldShort(l.withheld) : formatNumber(l.value, l.unit),
    l.unit === 'ratio' ? '' : l.unit,
    l.target === null ? '—' : formatNumber(l.target, l.unit),
    STATUS[l.status],
    changeText(l),
    l.tier ?? '',
  ];
  return grouped ? [l.group ?? '(none)', ...c] : c;
}

const HEAD = ['metric', 'value', 'unit', 'target', 'status', 'vs previous', 'DORA tier'];
const day = (d: Date) => d.toISOString().slice(0, 10);

function header(r: Report): string {
  const tiers = Object.entries(r.doraTier)
    .map(([g, t]) => (g ? `${g}: ${t ?? '—'}` : (t ?? '—')))
    .join(', ');
  const title = `Pitwall report ${day(r.from)} → ${day(r.to)} (previous: ${day(r.previousFrom)} → ${day(r.from)})${r.by ? `, by ${r.by}` : ''}\n`;
  return Object.keys(r.doraTier).length ? `${title}DORA performance tier: ${tiers}\n` : title;
}

export function formatTable(r: Report): string {
  const grouped = r.by !== null;
  const t = new Table({
    head: grouped ? [r.by!, ...HEAD] : HEAD,
    style: { head: [], border: [], compact: true },
  });
  for (const l of r.lines) t.push(cells(l, grouped));
  return `${header(r)}\n${t.toString()}\n${footnote(r)}`;
}

export function formatMarkdown(r: Report): string {
  const grouped = r.by !== null;
  const head = grouped ? [r.by!, ...HEAD] : HEAD;
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const rows = r.lines.map((l) => `| ${cells(l, grouped).map(esc).join(' | ')} |`);
  return [
    `## ${header(r).trim().split('\n').join('\n\n')}`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows,
    '',
    ...(footnote(r) ? [footnote(r), ''] : []),
  ].join('\n');
}

/** The privacy rule in full, once, under a table that withheld a value. */
function footnote(r: Report): string {
  const reason = r.lines.find((l) => l.withheld)?.withheld;
  return reason ? `${r.lines.filter((l) => l.withheld).length} value(s) ${reason}\n` : '';
}
