import type { Command } from 'commander';
import Table from 'cli-table3';
import { collectors } from '../../collectors/index.js';
import type { SourceState } from '../../collectors/sources.js';
import { readListeners } from '../../server/listeners.js';
import { config, jsonOption, printJson, withStore, type CliContext } from '../context.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** `pitwall collectors list [--json]`: each collector and the health of each of its sources. */
export function registerCollectors(program: Command, ctx: CliContext): void {
  const parent = program.command('collectors').description('collectors and the health of their sources');
  parent
    .command('list')
    .description('each collector with its sources: last run, last success, last error, records')
    .addOption(jsonOption())
    .action(async (o: { json?: boolean }) => {
      const cfg = config(ctx, program);
      const [rows, listeners] = await withStore(cfg, async (store) => [
        await store.query<SourceState>(
          'select id, kind, last_run_at, last_success_at, last_error, last_error_at, records from sources order by kind, id',
        ),
        await readListeners(store),
      ]);
      // Every registry collector, then any kind a store still holds rows of (a removed collector).
      const known = new Set<string>(collectors.map((c) => c.id));
      const kinds: { id: string; description: string }[] = [
        ...collectors,
        ...[...new Set(rows.map((r) => r.kind))]
          .filter((k) => !known.has(k))
          .map((id) => ({ id, description: '' })),
      ];
      const out = kinds.map((c) => ({
        id: c.id,
        description: c.description,
        sources: rows
          .filter((r) => r.kind === c.id)
          .map((r) => ({
            id: r.id,
            last_run_at: iso(r.last_run_at),
            last_success_at: iso(r.last_success_at),
            last_error: r.last_error,
            last_error_at: iso(r.last_error_at),
            records: Number(r.records),
            // A listener (kind 'listener') also has its intake counts and what its guard folded.
            ...(r.kind === 'listener' ? { listener: listeners.find((l) => l.id === r.id) ?? null } : {}),
            healthy:
              r.last_error === null ||
              (r.last_success_at !== null &&
                r.last_error_at !== null &&
                new Date(r.last_success_at) > new Date(r.last_error_at)),
          })),
      }));
      if (o.json) return printJson(ctx, out);
      const t = new Table({
        head: ['collector', 'source', 'last run', 'last success', 'records', 'last error'],
        style: { head: [], border: [], compact: true },
        wordWrap: true,
        colWidths: [10, 32, 22, 22, 10, 40],
      });
      for (const c of out) {
        if (c.sources.length === 0) t.push([c.id, '(none yet)', '', '', '', '']);
        for (const s of c.sources)
          t.push([
            c.id,
            s.id,
            s.last_run_at ?? '',
            s.last_success_at ?? '',
            s.records,
            s.healthy ? '' : (s.last_error ?? ''),
          ]);
      }
      ctx.out(`${t.toString()}\n`);
      if (listeners.length) ctx.out(listenerTable(listeners));
    });
}

/** Each listener's intake since it started, and the metrics its cardinality guard touched most. */
function listenerTable(listeners: Awaited<ReturnType<typeof readListeners>>): string {
  const t = new Table({
    head: [
      'listener',
      'packets',
      'metrics',
      'malformed',
      'late dropped',
      'folded',
      'dropped tags',
      'guarded metrics',
    ],
    style: { head: [], border: [], compact: true },
    wordWrap: true,
  });
  for (const l of listeners)
    t.push([
      l.socket_path ? `${l.id} + ${l.socket_path}` : l.id,
      l.packets,
      l.metrics,
      l.malformed,
      l.late_dropped,
      l.folded,
      l.dropped,
      l.guard
        .slice(0, 5)
        .map(
          (g) =>
            `${g.metric}: ${g.folded} folded, ${g.dropped} dropped${g.dropped_keys.length ? ` (${g.dropped_keys.join(',')})` : ''}`,
        )
        .join('\n') + (l.guard.length > 5 ? `\n(+${l.guard.length - 5} more: --json)` : ''),
    ]);
  return `${t.toString()}\n`;
}
