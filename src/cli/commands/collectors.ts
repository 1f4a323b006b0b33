import type { Command } from 'commander';
import Table from 'cli-table3';
import { collectors } from '../../collectors/index.js';
import type { SourceState } from '../../collectors/sources.js';
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
      const rows = await withStore(cfg, (store) =>
        store.query<SourceState>(
          'select id, kind, last_run_at, last_success_at, last_error, last_error_at, records from sources order by kind, id',
        ),
      );
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
    });
}
