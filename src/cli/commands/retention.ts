import type { Command } from 'commander';
import { applyRetention } from '../../export/retention.js';
import { config, printJson, rowsTable, withStore, withWritableStore, type CliContext } from '../context.js';

/** `pitwall retention apply [--dry-run]`: roll up and prune raw rows past the configured age. */
export function registerRetention(program: Command, ctx: CliContext): void {
  const retention = program
    .command('retention')
    .description(
      'long-term retention: roll raw rows older than retention: allows into daily rollups, then prune them',
    );
  retention
    .command('apply')
    .description(
      "roll up and prune every whole day past each table's retention (one transaction per table and day)",
    )
    .option('--dry-run', 'print what would be rolled up and pruned; write nothing')
    .option('--json', 'print JSON')
    .action(async (o: { dryRun?: boolean; json?: boolean }) => {
      const cfg = config(ctx, program);
      const settings = cfg.retention;
      // A dry run writes nothing, so it needs no write path.
      const run = o.dryRun ? withStore : withWritableStore;
      const result = await run(cfg, (store) =>
        applyRetention(store, settings, { dryRun: o.dryRun, minGroupSize: cfg.privacy.min_group_size }),
      );
      if (o.json) return printJson(ctx, result);
      if (!result.tables.length)
        return ctx.out(
          'retention: no table has raw_days set (retention: metric_points, metric_sketches, spans, commands); nothing to do\n',
        );
      const verb = result.dryRun ? 'would roll up and prune' : 'rolled up and pruned';
      for (const t of result.tables) {
        const days = result.days.filter((d) => d.table === t.table);
        const rows = days.reduce((n, d) => n + d.rawRows, 0);
        ctx.out(
          `${t.table}: raw rows before ${t.cutoff.toISOString().slice(0, 10)} (${t.rawDays} days): ${verb} ${rows} rows of ${days.length} day(s)\n`,
        );
      }
      if (result.days.length)
        ctx.out(
          rowsTable(
            result.days.map((d) => ({
              table: d.table,
              day: d.day.toISOString().slice(0, 10),
              'raw rows': d.rawRows,
              'rollup rows': d.groups,
            })),
          ),
        );
    });
  for (const c of retention.commands)
    c.exitOverride().configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
}
