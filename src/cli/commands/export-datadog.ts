import type { Command } from 'commander';
import { invalidArgument } from '../../errors/errors.js';
import { datadogExporter, parseSince, SINCE_HELP } from '../../export/datadog/exporter.js';
import { runExporter } from '../../export/run.js';
import { registryFor } from '../../metrics/definitions/index.js';
import { collectLogger } from '../collect-run.js';
import { config, printJson, withStore, type CliContext } from '../context.js';

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
  parent
    .command('datadog')
    .description(
      'push the registry metrics to Datadog as daily series (API key: DD_API_KEY or datadog.api_key_file)',
    )
    .option('--metrics <names>', 'comma-separated registry metric names (default: every metric)')
    .option('--since <when>', `first day to send: ${SINCE_HELP} (default: 7d)`)
    .option('--dry-run', 'print each request body (JSON, one per line) instead of sending; needs no key')
    .option('--json', 'print the summary as JSON')
    .action(async (o: Options) => {
      const cfg = config(ctx, program);
      const registry = registryFor(cfg);
      let metrics: string[] | undefined;
      if (o.metrics !== undefined) {
        metrics = o.metrics
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (!metrics.length)
          throw invalidArgument(
            `--metrics ${JSON.stringify(o.metrics)}: give metric names separated by commas, e.g. --metrics ci.runs.count,dora.deploys.count`,
          );
        try {
          for (const m of metrics) registry.get(m);
        } catch (e) {
          throw invalidArgument(`--metrics: ${(e as Error).message}`);
        }
      }
      const clock = () => new Date();
      if (o.since !== undefined && !parseSince(o.since, clock()))
        throw invalidArgument(`--since ${JSON.stringify(o.since)} is not ${SINCE_HELP}`);
      const logger = collectLogger(ctx, 'export:datadog');
      const outcome = await withStore(cfg, (store) =>
        runExporter(
          datadogExporter,
          { ...(metrics ? { metrics } : {}), ...(o.since ? { since: o.since } : {}) },
          {
            store,
            registry,
            config: cfg,
            clock,
            logger,
            env: ctx.env,
            cwd: ctx.cwd,
            dryRun: !!o.dryRun,
            out: ctx.out,
          },
        ),
      );
      const summary = {
        exporter: 'datadog',
        dry_run: !!o.dryRun,
        points: outcome.points,
        requests: outcome.requests,
        ...outcome.facts,
      };
      // A dry run's stdout is its bodies alone (one JSON per line): the summary goes to stderr.
      if (o.json && o.dryRun) return ctx.err(JSON.stringify(summary) + '\n');
      if (o.json) return printJson(ctx, summary);
      if (o.dryRun) return ctx.err(`dry run: ${outcome.points} point(s) in the bodies above, nothing sent\n`);
      ctx.out(
        `datadog: ${outcome.points} point(s) in ${outcome.requests} request(s) to ${String(outcome.facts?.url)}\n`,
      );
    });
}
