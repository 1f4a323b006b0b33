import type { Command } from 'commander';
import { datadogExporter } from '../../export/datadog/exporter.js';
import { registryFor } from '../../metrics/definitions/index.js';
import { config, printJson, type CliContext } from '../context.js';
import { runExportCommand, windowFlags, windowOptions } from './export-flags.js';

interface Options {
  metrics?: string;
  since?: string;
  dryRun?: boolean;
  json?: boolean;
}

/**
 * `pitwall export datadog [--metrics a,b] [--since 7d|ISO] [--dry-run] [--json]`: the registry's
 * metrics as Datadog series (docs/datadog.md). Flags are checked before the store is opened:
 * a bad one exits 2 and sends nothing.
 */
export function registerExportDatadog(parent: Command, program: Command, ctx: CliContext): void {
  windowFlags(parent.command('datadog'))
    .description(
      'push the registry metrics to Datadog as daily series (API key: DD_API_KEY or datadog.api_key_file)',
    )
    .option('--dry-run', 'print each request body (JSON, one per line) instead of sending; needs no key')
    .option('--json', 'print the summary as JSON')
    .action(async (o: Options) => {
      const cfg = config(ctx, program);
      const registry = registryFor(cfg);
      const window = windowOptions(o, registry);
      const { outcome, summary } = await runExportCommand(
        ctx,
        cfg,
        registry,
        datadogExporter,
        window,
        !!o.dryRun,
      );
      // A dry run's stdout is its bodies alone (one JSON per line): the summary goes to stderr.
      if (o.json && o.dryRun) return ctx.err(JSON.stringify(summary) + '\n');
      if (o.json) return printJson(ctx, summary);
      if (o.dryRun) return ctx.err(`dry run: ${outcome.points} point(s) in the bodies above, nothing sent\n`);
      ctx.out(
        `datadog: ${outcome.points} point(s) in ${outcome.requests} request(s) to ${String(outcome.facts?.url)}\n`,
      );
    });
}
