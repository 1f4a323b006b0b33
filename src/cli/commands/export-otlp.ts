import type { Command } from 'commander';
import { parseInstant } from '../../domain/time.js';
import { invalidArgument } from '../../errors/errors.js';
import { otlpExporter } from '../../export/otlp/exporter.js';
import { otlpTarget } from '../../export/otlp/target.js';
import { registryFor } from '../../metrics/definitions/index.js';
import { config, printJson, type CliContext } from '../context.js';
import { runExportCommand, windowFlags, windowOptions } from './export-flags.js';

interface Options {
  endpoint?: string;
  metrics?: string;
  since?: string;
  until?: string;
  batchPoints?: string;
  dryRun?: boolean;
  json?: boolean;
}

/**
 * `pitwall export otlp [--endpoint URL] [--metrics a,b] [--since 7d|ISO] [--until ISO] [--dry-run]
 * [--json]`: the registry's metrics to an OTLP/HTTP endpoint (docs/otlp-export.md). Flags and
 * the endpoint are checked before the store is opened: a bad one exits 2 and sends nothing.
 */
export function registerExportOtlp(parent: Command, program: Command, ctx: CliContext): void {
  windowFlags(parent.command('otlp'))
    .description(
      'push the registry metrics to an OTLP/HTTP endpoint as daily gauges (headers: OTEL_EXPORTER_OTLP_HEADERS)',
    )
    .option(
      '--endpoint <url>',
      'OTLP/HTTP base URL, e.g. http://collector:4318 (default: OTEL_EXPORTER_OTLP_ENDPOINT)',
    )
    .option(
      '--until <date>',
      'end of the days to send, exclusive (default: now; only whole UTC days are sent)',
    )
    .option('--batch-points <n>', 'data points per request (default: 5000)')
    .option('--dry-run', 'print each request (OTLP/JSON, one per line) instead of sending')
    .option('--json', 'print the summary as JSON')
    .action(async (o: Options) => {
      const cfg = config(ctx, program);
      const registry = registryFor(cfg);
      const window = windowOptions(o, registry);
      if (o.until !== undefined && !parseInstant(o.until))
        throw invalidArgument(
          `--until ${JSON.stringify(o.until)} is not an ISO date or instant, e.g. 2025-03-01`,
        );
      let batchPoints: number | undefined;
      if (o.batchPoints !== undefined) {
        batchPoints = Number(o.batchPoints);
        if (!Number.isInteger(batchPoints) || batchPoints < 1 || batchPoints > 100_000)
          throw invalidArgument(
            `--batch-points ${JSON.stringify(o.batchPoints)}: give a whole number from 1 to 100000`,
          );
      }
      // Before the store is opened: a missing or bad endpoint (a dry run needs none) sends nothing.
      if (!o.dryRun || o.endpoint) otlpTarget(o.endpoint, ctx.env);
      const options = {
        ...(o.endpoint ? { endpoint: o.endpoint } : {}),
        ...window,
        ...(o.until ? { until: o.until } : {}),
        ...(batchPoints ? { batch_points: batchPoints } : {}),
      };
      const { outcome, summary } = await runExportCommand(
        ctx,
        cfg,
        registry,
        otlpExporter,
        options,
        !!o.dryRun,
      );
      if (o.json) return printJson(ctx, summary);
      if (o.dryRun)
        return ctx.err(`dry run: ${outcome.points} point(s) in the requests above, nothing sent\n`);
      ctx.out(
        `otlp: ${outcome.points} point(s) of ${String(outcome.facts?.metrics)} metric(s) in ${outcome.requests} request(s) to ${String(outcome.facts?.endpoint)}; ${String(outcome.facts?.withheld)} value(s) withheld\n`,
      );
    });
}
