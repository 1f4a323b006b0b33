import Table from 'cli-table3';
import { formatNumber } from './format.js';
import type { TestenvReport } from './testenv.js';

/**
 * The test-environment section of `pitwall report` (table and markdown): what the metric lines
 * above it cannot show, the failures by category, the slowest provisions with their log links
 * and the per-repository breakdown. Takes the API's JSON too (dates as strings).
 */
type Shape = Pick<TestenvReport, 'failures' | 'byRepo'> & {
  summary: TestenvReport['summary'];
  weekOverWeek: { medianMinutes: number | null; change: number | null };
  slowest: (Omit<TestenvReport['slowest'][number], 'startedAt'> & { startedAt: Date | string })[];
};

const min = (v: number | null) => (v === null ? '—' : `${formatNumber(v, 'minutes')} min`);
const pct = (v: number | null) => formatNumber(v, 'ratio');
const when = (d: Date | string) =>
  (typeof d === 'string' ? d : d.toISOString()).slice(0, 16).replace('T', ' ');

function sections(r: Shape): { title: string; head: string[]; rows: string[][] }[] {
  const s = r.summary;
  return [
    {
      title: 'Test environments',
      head: [
        'provisions',
        'p50',
        'p90',
        'p99',
        'failed',
        're-provisioned',
        'CI delay p50',
        'early',
        'parallel p50',
        'last 7 days p50',
      ],
      rows: [
        [
          String(s.provisions),
          min(s.p50Minutes),
          min(s.p90Minutes),
          min(s.p99Minutes),
          pct(s.failureRate),
          `${s.reprovisions} (${pct(s.reprovisionRate)})`,
          min(s.ciDelayMedianMinutes),
          pct(s.earlyShare),
          min(s.parallelMedianMinutes),
          `${min(r.weekOverWeek.medianMinutes)}${r.weekOverWeek.change === null ? '' : ` (${r.weekOverWeek.change > 0 ? '+' : ''}${pct(r.weekOverWeek.change)} week over week)`}`,
        ],
      ],
    },
    {
      title: 'Provisioning failures by category',
      head: ['category', 'failed', 'of all provisions'],
      rows: r.failures.map((f) => [f.category, String(f.count), pct(f.rate)]),
    },
    {
      title: 'Slowest provisions',
      head: ['started', 'repo', 'branch', 'minutes', 'outcome', 'logs'],
      rows: r.slowest.map((p) => [
        when(p.startedAt),
        p.repo ?? '—',
        p.branch ?? '—',
        formatNumber(p.minutes, 'minutes'),
        p.status === 'ok' ? 'ready' : (p.failure ?? 'failed'),
        p.logUrl ?? '—',
      ]),
    },
    {
      title: 'Test environments by repository',
      head: ['repo', 'provisions', 'p50', 'failed', 're-provisioned', 'CI delay p50', 'early'],
      rows: r.byRepo.map((x) => [
        x.repo,
        String(x.provisions),
        min(x.medianMinutes),
        pct(x.failureRate),
        pct(x.reprovisionRate),
        min(x.ciDelayMedianMinutes),
        pct(x.earlyShare),
      ]),
    },
  ].filter((t) => t.rows.length);
}

export function formatTestenvTable(r: Shape): string {
  if (!r.summary.provisions) return '';
  return sections(r)
    .map((sec) => {
      const t = new Table({ head: sec.head, style: { head: [], border: [], compact: true } });
      for (const row of sec.rows) t.push(row);
      return `\n${sec.title}\n${t.toString()}\n`;
    })
    .join('');
}

export function formatTestenvMarkdown(r: Shape): string {
  if (!r.summary.provisions) return '';
  const esc = (s: string) => s.replaceAll('|', '\\|');
  return sections(r)
    .map((sec) =>
      [
        `\n### ${sec.title}`,
        '',
        `| ${sec.head.join(' | ')} |`,
        `|${sec.head.map(() => '---').join('|')}|`,
        ...sec.rows.map((row) => `| ${row.map(esc).join(' | ')} |`),
        '',
      ].join('\n'),
    )
    .join('\n');
}
