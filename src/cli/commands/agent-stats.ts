import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option } from 'commander';
import { agentPaths } from '../../agent/paths.js';
import { invalidArgument } from '../../errors/errors.js';
import { ingest, validateRecords } from '../../ingest/ingest.js';
import { durationText, innerLoop, type InnerLoopReport } from '../../report/inner-loop.js';
import { openStore } from '../../store/open.js';
import { config, printJson, rowsTable, type CliContext } from '../context.js';
import type { RegisterAgentCommand } from './agent.js';

const DAY_MS = 86_400_000;
/** The agent keeps 30 days of history (src/agent/history.ts); a longer window only adds empty days. */
const MAX_DAYS = 366;

export interface LocalHistory {
  dir: string;
  files: number;
  /** Distinct commands (a line repeated by an at-least-once retry counts once: the last wins). */
  commands: number;
  /** Lines that are not JSON (a line cut by a crash) or not a valid command record. */
  skipped: number;
}

export interface AgentStats {
  history: LocalHistory;
  report: InnerLoopReport;
}

/**
 * The developer's own inner loop from the agent's local history (<spool_dir>/history/*.jsonl,
 * what it shipped, already redacted): loaded into an in-memory DuckDB store through the ingest
 * path and read with the same report as the dashboard. No k-anonymity rule: it is one person's
 * own data, on their own machine, shown only to them.
 */
export async function agentStats(dir: string, window: { from: Date; to: Date }): Promise<AgentStats> {
  let names: string[] = [];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.jsonl'))
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const byId = new Map<string, unknown>();
  let skipped = 0;
  for (const name of names) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let rec: unknown;
      try {
        rec = JSON.parse(line);
      } catch {
        skipped++;
        continue;
      }
      const id = rec && typeof rec === 'object' ? (rec as { id?: unknown }).id : undefined;
      if ((rec as { kind?: unknown } | null)?.kind !== 'command' || typeof id !== 'string') {
        skipped++;
        continue;
      }
      byId.delete(id);
      byId.set(id, rec);
    }
  }
  let records = [...byId.values()];
  const { problems } = validateRecords(records);
  if (problems.length) {
    const bad = new Set(problems.map((p) => p.index));
    records = records.filter((_, i) => !bad.has(i));
    skipped += bad.size;
  }
  const store = await openStore({ duckdbPath: ':memory:' });
  try {
    for (let i = 0; i < records.length; i += 10_000) await ingest(store, records.slice(i, i + 10_000));
    const report = await innerLoop(store, { ...window, minPeople: 1, top: 10 });
    return { history: { dir, files: names.length, commands: records.length, skipped }, report };
  } finally {
    await store.close();
  }
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const time = (s: number | null) => (s === null ? '—' : durationText(s));
const hours = (h: number | null) => (h === null ? '—' : `${h.toFixed(1)} h`);

function formatStats(s: AgentStats, days: number): string {
  const r = s.report;
  const m = r.summary;
  const head = `Your inner loop, last ${days} day${days === 1 ? '' : 's'} (${s.history.commands} commands from ${s.history.dir}${
    s.history.skipped ? `; ${s.history.skipped} unreadable lines skipped` : ''
  })`;
  if (!m.runs)
    return `${head}\nNo commands in this window. The history is written by \`pitwall agent sync\` (or \`pitwall agent run\`) after each batch it ships.\n`;
  const lines = [
    head,
    '',
    `commands: ${m.runs} (${m.runsPerDay!.toFixed(1)} a day), ${hours(m.hoursPerWeek)} a week waiting on them`,
    `median ${time(m.p50Seconds)}, p90 ${time(m.p90Seconds)}; ${pct(m.failureRate)} failed`,
    `tests and builds: ${pct(m.testBuildSuccessRate)} succeeded`,
    `installs: ${m.installNetworkShare === null ? 'no network time measured (run them through `pitwall run --`)' : `${pct(m.installNetworkShare)} of their time with network traffic (${m.installsMeasured} measured)`}`,
    '',
    'Where you wait most:',
    ...(r.chokepoints.length ? r.chokepoints.map((c, i) => `${i + 1}. ${c.text}`) : ['(none yet)']),
    '',
    'By category:',
    rowsTable(
      r.byCategory.map((c) => ({
        category: c.key ?? 'uncategorised',
        runs: c.runs,
        p50: time(c.p50Seconds),
        p90: time(c.p90Seconds),
        'per day': c.runsPerDay?.toFixed(1) ?? '—',
        'h/week': c.hoursPerWeek?.toFixed(2) ?? '—',
        failed: pct(c.failureRate),
      })),
    ),
  ];
  return lines.join('\n') + '\n';
}

/** `pitwall agent stats [--json] [--days N]`: your own numbers, from this machine's history. */
export const registerAgentStats: RegisterAgentCommand = (agent, program, ctx: CliContext) => {
  agent
    .command('stats')
    .description(
      'your own inner loop: where you wait, from what this machine shipped (local, not k-anonymised)',
    )
    .addOption(new Option('--days <n>', 'the last N days').default('7'))
    .option('--json', 'print JSON')
    .action(async (o: { days: string; json?: boolean }) => {
      const days = Number(o.days);
      if (!/^\d+$/.test(o.days) || days < 1 || days > MAX_DAYS)
        throw invalidArgument(
          `--days ${JSON.stringify(o.days)}: use a whole number of days from 1 to ${MAX_DAYS}`,
          {
            field: 'days',
          },
        );
      const cfg = config(ctx, program);
      const to = new Date();
      const stats = await agentStats(agentPaths(cfg.agent, ctx.env).history, {
        from: new Date(to.getTime() - days * DAY_MS),
        to,
      });
      if (o.json) return printJson(ctx, stats);
      ctx.out(formatStats(stats, days));
    });
};
