import type { Command } from 'commander';
import Table from 'cli-table3';
import { registryFor } from '../../metrics/definitions/index.js';
import { invalidArgument } from '../../errors/errors.js';
import { explainMetric } from '../../metrics/registry/registry.js';
import {
  config,
  fromOption,
  toOption,
  printJson,
  rowsTable,
  windowFrom,
  withStore,
  type CliContext,
} from '../context.js';

/** `pitwall metrics list`: the registry every presenter reads. */
export function registerMetrics(program: Command, ctx: CliContext): void {
  const metrics = program.command('metrics').description('the metric registry');
  metrics
    .command('list')
    .description('list every metric with its unit, direction, target and allowed group-bys')
    .option('--json', 'print JSON (with descriptions, rationale and actions)')
    .action((o: { json?: boolean }) => {
      const defs = registryFor(config(ctx, program)).list();
      if (o.json) {
        printJson(
          ctx,
          defs.map(
            ({ name, version, title, unit, description, why, action, direction, thresholds, groupBy }) => ({
              name,
              version,
              title,
              unit,
              description,
              why,
              action,
              direction,
              thresholds: thresholds ?? null,
              groupBy,
            }),
          ),
        );
        return;
      }
      const t = new Table({
        head: ['metric', 'unit', 'better', 'green', 'yellow', 'group by', 'description'],
        style: { head: [], border: [], compact: true },
        wordWrap: true,
        colWidths: [38, 10, 8, 8, 8, 20, 60],
      });
      for (const d of defs)
        t.push([
          d.name,
          d.unit,
          d.direction === 'lower_is_better' ? 'lower' : 'higher',
          d.thresholds?.green ?? '—',
          d.thresholds?.yellow ?? '—',
          d.groupBy.join(', '),
          d.description,
        ]);
      ctx.out(`${t.toString()}\n${defs.length} metrics\n`);
    });

  metrics
    .command('explain <name>')
    .description('list the rows behind a metric’s value in a window, so the number can be checked row by row')
    .addOption(fromOption())
    .addOption(toOption())
    .option('--by <group>', 'with --group: a group-by the metric allows')
    .option('--group <value>', 'only rows of this group value')
    .option('--limit <n>', 'rows to print', '50')
    .option('--json', 'print JSON')
    .action(
      async (
        name: string,
        o: { from?: string; to?: string; by?: string; group?: string; limit: string; json?: boolean },
      ) => {
        const cfg = config(ctx, program);
        const window = windowFrom(o);
        const limit = Number(o.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw invalidArgument(`--limit ${o.limit} must be a positive integer`);
        const registry = registryFor(cfg);
        registry.get(name);
        const e = await withStore(cfg, (store) =>
          explainMetric(store, registry, name, {
            ...window,
            by: o.by ?? null,
            group: o.group ?? null,
            limit,
          }),
        );
        if (o.json) return printJson(ctx, e);
        ctx.out(
          `${e.metric}: ${e.total} row${e.total === 1 ? '' : 's'}${e.total > e.rows.length ? ` (first ${e.rows.length})` : ''}\n`,
        );
        if (e.rows.length) ctx.out(rowsTable(e.rows));
      },
    );
}
