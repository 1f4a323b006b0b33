import { formatNumber, withheldShort } from '../format.js';
import type { ReportLine } from '../build.js';
import type { Digest, DigestAlert, DigestItem } from './build.js';

export type DigestFormat = 'html' | 'markdown' | 'text';
export const DIGEST_FORMATS: readonly DigestFormat[] = ['html', 'markdown', 'text'];

const TREND = { better: '▲ better', worse: '▼ worse', flat: '= flat', unknown: '' } as const;
const day = (d: Date) => d.toISOString().slice(0, 10);

function value(l: ReportLine): string {
  if (l.withheld) return withheldShort(l.withheld);
  const v = formatNumber(l.value, l.unit);
  return l.unit === 'ratio' || l.value === null ? v : `${v} ${l.unit}`;
}
function previous(l: ReportLine): string {
  if (l.previous === null) return '—';
  const v = formatNumber(l.previous, l.unit);
  return l.unit === 'ratio' ? v : `${v} ${l.unit}`;
}
const lineCells = (l: ReportLine) => [l.title, value(l), previous(l), TREND[l.trend], l.tier ?? ''];
const LINE_HEAD = ['', 'now', 'previous', 'trend', 'DORA tier'];

const alertText = (a: DigestAlert) =>
  `${a.severity.toUpperCase()} ${a.rule}${a.group === null ? '' : ` (${a.group})`}: ${a.metric} ${a.value === null ? '—' : formatNumber(a.value, '')} vs threshold ${formatNumber(a.threshold, '')}, since ${a.firedAt ? a.firedAt.toISOString().slice(0, 16).replace('T', ' ') : '—'}${a.acknowledged ? ' (acknowledged)' : ''}`;

interface Section {
  heading: string;
  lines?: ReportLine[];
  items?: DigestItem[];
  bullets?: string[];
  empty: string;
}

function sections(d: Digest): Section[] {
  const out: Section[] = [
    {
      heading: `Delivery (DORA)${d.doraTier ? `: overall ${d.doraTier}` : ''}`,
      lines: d.dora,
      empty: 'No delivery data in this period.',
    },
    {
      heading: d.period === 'week' ? 'Developer NPS' : 'Developer satisfaction and experience',
      lines: d.satisfaction,
      empty: 'No survey answers in this period.',
    },
  ];
  if (d.period === 'month')
    out.push({ heading: 'Platform health', lines: d.platform, empty: 'No CI data in this period.' });
  out.push(
    { heading: 'Attention required', items: d.attention, empty: 'Nothing needs attention.' },
    {
      heading: d.period === 'week' ? 'Wins this week' : 'Wins this month',
      items: d.wins,
      empty: 'No wins to report.',
    },
    {
      heading: `Active alerts (${d.activeAlerts.length}; ${d.firedInPeriod} fired in the period)`,
      bullets: d.activeAlerts.map(alertText),
      empty: 'No alert is firing.',
    },
  );
  return out;
}

const period = (d: Digest) =>
  `${day(d.from)} to ${day(new Date(d.to.getTime() - 1))}, compared with ${day(d.previousFrom)} to ${day(new Date(d.from.getTime() - 1))}`;

export function digestMarkdown(d: Digest): string {
  const out = [`# ${d.title}`, '', period(d), ''];
  for (const s of sections(d)) {
    out.push(`## ${s.heading}`, '');
    const empty = !(s.lines?.length || s.items?.length || s.bullets?.length);
    if (empty) out.push(s.empty);
    if (s.lines?.length) {
      out.push(`| ${LINE_HEAD.join(' | ')} |`, `|${LINE_HEAD.map(() => ' --- ').join('|')}|`);
      for (const l of s.lines) out.push(`| ${lineCells(l).join(' | ')} |`);
    }
    for (const i of s.items ?? []) out.push(`- **${i.message}**. ${i.action}`);
    for (const b of s.bullets ?? []) out.push(`- ${b}`);
    out.push('');
  }
  return out.join('\n');
}

export function digestText(d: Digest): string {
  const out = [d.title, '='.repeat(d.title.length), period(d), ''];
  for (const s of sections(d)) {
    out.push(s.heading, '-'.repeat(s.heading.length));
    const empty = !(s.lines?.length || s.items?.length || s.bullets?.length);
    if (empty) out.push(s.empty);
    for (const l of s.lines ?? [])
      out.push(
        `${l.title}: ${value(l)} (previous ${previous(l)})${l.trend === 'unknown' ? '' : ` ${TREND[l.trend]}`}${l.tier ? `, ${l.tier}` : ''}`,
      );
    for (const i of s.items ?? []) out.push(`* ${i.message}`, `  Action: ${i.action}`);
    for (const b of s.bullets ?? []) out.push(`* ${b}`);
    out.push('');
  }
  return out.join('\n');
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Email HTML: inline styles only (mail clients drop <style> and external sheets). */
export function digestHtml(d: Digest): string {
  const td = 'style="padding:4px 10px;border-bottom:1px solid #e5e5e5;text-align:left"';
  const body: string[] = [];
  for (const s of sections(d)) {
    body.push(`<h2 style="font-size:16px;margin:20px 0 8px">${esc(s.heading)}</h2>`);
    const empty = !(s.lines?.length || s.items?.length || s.bullets?.length);
    if (empty) body.push(`<p style="color:#666">${esc(s.empty)}</p>`);
    if (s.lines?.length)
      body.push(
        `<table style="border-collapse:collapse"><tr>${LINE_HEAD.map((h) => `<th ${td}>${esc(h)}</th>`).join('')}</tr>${s.lines
          .map(
            (l) =>
              `<tr>${lineCells(l)
                .map((c) => `<td ${td}>${esc(c)}</td>`)
                .join('')}</tr>`,
          )
          .join('')}</table>`,
      );
    if (s.items?.length)
      body.push(
        `<ul>${s.items.map((i) => `<li><b>${esc(i.message)}</b><br><span style="color:#444">${esc(i.action)}</span></li>`).join('')}</ul>`,
      );
    if (s.bullets?.length) body.push(`<ul>${s.bullets.map((b) => `<li>${esc(b)}</li>`).join('')}</ul>`);
  }
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(d.title)}</title></head><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;max-width:760px"><h1 style="font-size:20px">${esc(d.title)}</h1><p style="color:#666">${esc(period(d))}</p>${body.join('')}</body></html>`;
}

export function renderDigest(d: Digest, format: DigestFormat): string {
  return format === 'html' ? digestHtml(d) : format === 'markdown' ? digestMarkdown(d) : digestText(d);
}
