import type { Command } from 'commander';
import { invalidArgument } from '../../errors/errors.js';
import { parseSince, SINCE_HELP } from '../../export/window-options.js';
import type { Config } from '../../config/schema.js';
import type { AnyExporter, ExportOutcome } from '../../export/exporter.js';
import { runExporter } from '../../export/run.js';
import type { MetricRegistry } from '../../metrics/registry/registry.js';
import { collectLogger } from '../collect-run.js';
import { withStore, type CliContext } from '../context.js';

/** The flags every `pitwall export <metrics destination>` takes. */
export function windowFlags(cmd: Command): Command {
  return cmd
    .option('--metrics <names>', 'comma-separated registry metric names (default: every metric)')
    .option('--since <when>', `first day to send: ${SINCE_HELP} (default: 7d)`);
}

/**
 * `--metrics` and `--since` checked before any store is opened or anything sent: exit 2 naming
 * the flag. Returns the exporter options they give.
 */
export function windowOptions(
  o: { metrics?: string; since?: string },
  registry: MetricRegistry,
): { metrics?: string[]; since?: string } {
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
  if (o.since !== undefined && !parseSince(o.since, new Date()))
    throw invalidArgument(`--since ${JSON.stringify(o.since)} is not ${SINCE_HELP}`);
  return { ...(metrics ? { metrics } : {}), ...(o.since ? { since: o.since } : {}) };
}

/**
 * One CLI run of an exporter on the configured store, and the summary both `--json` and the
 * text line are made from.
 */
export async function runExportCommand(
  ctx: CliContext,
  cfg: Config,
  registry: MetricRegistry,
  exporter: AnyExporter,
  options: Record<string, unknown>,
  dryRun: boolean,
): Promise<{ outcome: ExportOutcome; summary: Record<string, unknown> }> {
  const outcome = await withStore(cfg, (store) =>
    runExporter(exporter, options, {
      store,
      registry,
      config: cfg,
      clock: () => new Date(),
      logger: collectLogger(ctx, `export:${exporter.id}`),
      env: ctx.env,
      cwd: ctx.cwd,
      dryRun,
      out: ctx.out,
    }),
  );
  const summary = {
    exporter: exporter.id,
    dry_run: dryRun,
    points: outcome.points,
    requests: outcome.requests,
    ...outcome.facts,
  };
  return { outcome, summary };
}
