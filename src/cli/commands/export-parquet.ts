import type { Command } from 'commander';
import { invalidArgument } from '../../errors/errors.js';
import { checkExportDir, exportParquet } from '../../export/parquet-export.js';
import { config, parseDateOption, printJson, rowsTable, withStore, type CliContext } from '../context.js';

interface Options {
  to?: string;
  from?: string;
  toDate?: string;
  tables?: string;
  rewrite?: boolean;
  json?: boolean;
}

const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * `pitwall export parquet --to DIR [--from D] [--to-date D] [--tables a,b] [--rewrite]`: the
 * warehouse as Hive-partitioned Parquet (docs/retention.md). `--to` is the folder, as the
 * other export targets' destination; the window's end is therefore `--to-date`.
 */
export function registerExportParquet(parent: Command, program: Command, ctx: CliContext): void {
  parent
    .command('parquet')
    .description(
      'write tables as Hive-partitioned Parquet (DIR/<table>/date=YYYY-MM-DD/part-*.parquet); a re-run writes only new partitions',
    )
    .option('--to <dir>', 'the export folder (created if missing)')
    .option('--from <date>', 'first day to write (default: the first day with rows)')
    .option('--to-date <date>', 'end of the days to write, exclusive (default: through today)')
    .option('--tables <names>', 'comma-separated tables (default: every exportable table)')
    .option('--rewrite', 'rewrite complete days the manifest already holds')
    .option('--json', 'print JSON')
    .action(async (o: Options) => {
      if (!o.to) throw invalidArgument('export parquet needs --to DIR: the folder to write into');
      const from = parseDateOption('from', o.from);
      const to = parseDateOption('to-date', o.toDate);
      if (from && to && !(from < to))
        throw invalidArgument(
          `--from (${from.toISOString()}) must be before --to-date (${to.toISOString()})`,
        );
      let tables: string[] | undefined;
      if (o.tables !== undefined) {
        tables = o.tables
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const bad = tables.filter((t) => !TABLE_NAME.test(t));
        if (!tables.length || bad.length)
          throw invalidArgument(
            `--tables ${JSON.stringify(o.tables)}: give table names separated by commas, e.g. --tables metric_points,spans`,
          );
      }
      // Before the store is opened: a folder that cannot be written is refused at once.
      checkExportDir(o.to);
      const cfg = config(ctx, program);
      const summary = await withStore(cfg, (store) =>
        exportParquet(store, { dir: o.to!, from, to, tables, rewrite: o.rewrite }),
      );
      if (o.json) return printJson(ctx, summary);
      const rows = summary.tables.map((t) => ({
        table: t.table,
        'partitioned by': t.partitionBy ?? '(one partition)',
        written: t.written,
        unchanged: t.unchanged,
        skipped: t.skipped,
        rows: t.rows,
        MB: (t.bytes / 1e6).toFixed(2),
      }));
      const written = summary.tables.reduce((n, t) => n + t.written, 0);
      ctx.out(`${summary.dir}: ${written} partition(s) written\n${rowsTable(rows)}`);
    });
}
