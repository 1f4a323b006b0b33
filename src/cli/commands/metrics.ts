import type { Command } from 'commander';
import Table from 'cli-table3';
import { registryFor } from '../../metrics/definitions/index.js';
import { config, printJson, readWindow, windowedCommand, type CliContext } from '../context.js';
import { explainAll, printExplanations, withExplainOptions, type ExplainFlags } from '../explain.js';

/** `pitwall metrics list`: the registry every presenter reads. */
export function registerMetrics(program: Command, ctx: CliContext): void {
  const metrics = program.command('metrics').description('the metric registry');
  metrics
    .command('list')
    .description('list every metric with its unit, direction, target and allowed group-bys')
    .option('--json', 'print JSON (with descriptions, rationale and actions)')
    .action((o: { json?: boolean }) => {
      const registry = registryFor(config(ctx, program));
      const defs = registry.list();
      const k = registry.minGroupSize;
      if (o.json) {
        printJson(
          ctx,
          defs.map(
            ({
              name,
              version,
              title,
              unit,
              description,
              why,
              action,
              direction,
              thresholds,
              groupBy,
              personal,
            }) => ({
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
              personal: personal ?? false,
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
          d.personal ? `${d.description} [personal: withheld below ${k} people]` : d.description,
        ]);
      ctx.out(`${t.toString()}\n${defs.length} metrics\n`);
    });

  withExplainOptions(
    windowedCommand(
      metrics,
      'explain <name>',
      'list the rows behind a metric’s value in a window, so the number can be checked row by row',
    ),
  ).action(async (name: string, o: ExplainFlags) => {
    const explained = await readWindow(ctx, program, o, (store, cfg, window) => {
      const registry = registryFor(cfg);
      return explainAll(store, registry, [registry.get(name).name], window, o);
    });
    printExplanations(ctx, explained, { json: o.json, single: true });
  });
}
