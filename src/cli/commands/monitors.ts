import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { v1 } from '@datadog/datadog-api-client';
import type { Command } from 'commander';
import { invalidArgument } from '../../errors/errors.js';
import { datadogConfiguration } from '../../export/datadog/client.js';
import { apiKey, appKey, datadogTarget } from '../../export/datadog/credentials.js';
import { buildMonitors, pushMonitors } from '../../export/datadog/monitors.js';
import { registryFor } from '../../metrics/definitions/index.js';
import { config, printJson, rowsTable, type CliContext } from '../context.js';

/**
 * `pitwall monitors build [--out DIR]` and `pitwall monitors push [--dry-run]`: Datadog monitors
 * as code for the exporter's and collectors' health and the thresholds users asked about
 * (docs/datadog.md). push matches live monitors by their `pitwall-monitor:<key>` tag.
 */
export function registerMonitors(program: Command, ctx: CliContext): void {
  const mon = program
    .command('monitors')
    .description('Datadog monitors as code: build the JSON, push (create or update by key)');
  mon
    .command('build')
    .description('write each monitor as DIR/<key>.json (the v1 Monitor body), or print them as JSON')
    .option('--out <dir>', 'folder to write into (created if missing)')
    .action((o: { out?: string }) => {
      const cfg = config(ctx, program);
      const specs = buildMonitors(registryFor(cfg), cfg);
      if (!o.out) return printJson(ctx, specs);
      const dir = resolve(ctx.cwd, o.out);
      try {
        mkdirSync(dir, { recursive: true });
        for (const s of specs)
          writeFileSync(join(dir, `${s.key}.json`), JSON.stringify(s.body, null, 2) + '\n');
      } catch (e) {
        throw invalidArgument(
          `--out ${JSON.stringify(o.out)} cannot be written (${(e as NodeJS.ErrnoException).code ?? 'error'}): give a folder you can write`,
        );
      }
      ctx.out(`${specs.length} monitor(s) written to ${o.out}\n`);
    });
  mon
    .command('push')
    .description(
      'create or update the monitors in Datadog (keys: DD_API_KEY and DD_APP_KEY, or datadog.*_key_file)',
    )
    .option('--dry-run', 'list what would be created or updated, change nothing')
    .option('--json', 'print JSON')
    .action(async (o: { dryRun?: boolean; json?: boolean }) => {
      const cfg = config(ctx, program);
      const specs = buildMonitors(registryFor(cfg), cfg);
      const d = cfg.datadog;
      const conf = datadogConfiguration(d, datadogTarget(d, ctx.env), {
        apiKey: apiKey(d, ctx.env, ctx.cwd),
        appKey: appKey(d, ctx.env, ctx.cwd),
      });
      const results = await pushMonitors(new v1.MonitorsApi(conf), specs, !!o.dryRun);
      if (o.json) return printJson(ctx, { dry_run: !!o.dryRun, monitors: results });
      ctx.out(
        `${rowsTable(results.map((r) => ({ monitor: r.key, action: o.dryRun && r.action !== 'unchanged' ? `would be ${r.action}` : r.action, id: r.id ?? '' })))}\n`,
      );
    });
  for (const c of mon.commands) c.exitOverride().configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
}
