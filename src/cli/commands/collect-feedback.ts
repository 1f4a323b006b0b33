import type { Command } from 'commander';
import type { AnyCollector } from '../../collectors/collector.js';
import { invalidArgument } from '../../errors/errors.js';
import { collectLogger, prepareForCli, runIntoStore } from '../collect-run.js';
import { config, jsonOption, printJson, type CliContext } from '../context.js';

interface Options {
  column?: string[];
  json?: boolean;
}

/** `--column text=Comment`: Pitwall's field, then the CSV header that holds it. */
function columnsOf(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const m = /^([a-z_]+)=(.+)$/.exec(p);
    if (!m)
      throw invalidArgument(
        `--column ${JSON.stringify(p)}: expected FIELD=HEADER, e.g. --column text=Comment`,
        {
          field: 'column',
        },
      );
    out[m[1]!] = m[2]!;
  }
  return out;
}

/**
 * `pitwall collect feedback FILE [--column FIELD=HEADER ...] [--json]`: a CSV of feedback,
 * read and checked whole before anything is written (one bad row: exit 2, nothing written).
 */
export function collectFeedbackFlags(
  cmd: Command,
  collector: AnyCollector,
  ctx: CliContext,
  program: Command,
): void {
  cmd
    .argument('<file>', 'CSV file: a header row, then one piece of feedback per row')
    .option(
      '--column <field=header...>',
      'which header holds a field (id, occurred_at, author, team, category, sentiment, text); over feedback.csv.columns',
    )
    .addOption(jsonOption())
    .action(async (file: string, o: Options) => {
      const cfg = config(ctx, program);
      const logger = collectLogger(ctx, collector.id);
      const job = await prepareForCli(
        collector,
        { path: file, cwd: '.', columns: columnsOf(o.column ?? []) },
        cfg,
        ctx,
        logger,
      );
      const s = await runIntoStore(job, cfg, logger);
      const f = s.facts;
      if (o.json) {
        printJson(ctx, { file: f.file, rows: f.rows, friction: f.friction, authored: f.authored });
        return;
      }
      ctx.out(
        `${String(f.file)}: ${String(f.rows)} feedback entries written (${String(f.friction)} friction, ${String(f.authored)} with a pseudonymised author)\n`,
      );
    });
}
