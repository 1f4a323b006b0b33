import { Option, type Command } from 'commander';
import { registryFor } from '../../metrics/definitions/index.js';
import { buildReport } from '../../report/build.js';
import { formatMarkdown, formatTable } from '../../report/format.js';
import {
  config,
  fromOption,
  toOption,
  printJson,
  windowFrom,
  withStore,
  type CliContext,
} from '../context.js';

/** `pitwall report`: every registered metric with value, target, traffic light and trend. */
export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('print every metric over a window with its target, status and trend vs the previous window')
    .addOption(fromOption())
    .addOption(toOption())
    .option('--by <group>', 'group by team, repo, service, ... (each metric lists what it allows)')
    .option('--metric <name...>', 'only these metrics')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'markdown', 'json'])
        .default('table'),
    )
    .option('--json', 'same as --format json')
    .action(
      async (o: {
        from?: string;
        to?: string;
        by?: string;
        metric?: string[];
        format: string;
        json?: boolean;
      }) => {
        const cfg = config(ctx, program);
        const { from, to } = windowFrom(o);
        const registry = registryFor(cfg);
        if (o.metric) for (const m of o.metric) registry.get(m); // unknown names fail before the store opens
        const report = await withStore(cfg, (store) =>
          buildReport(store, registry, cfg, { from, to, by: o.by ?? null, metrics: o.metric }),
        );
        const format = o.json ? 'json' : o.format;
        if (format === 'json') printJson(ctx, report);
        else ctx.out(format === 'markdown' ? formatMarkdown(report) : formatTable(report));
      },
    );
}
