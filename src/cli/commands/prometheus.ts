import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { durationMs } from '../../alerts/config.js';
import { invalidArgument } from '../../errors/errors.js';
import { buildRules, rulesYaml } from '../../export/prometheus-rules/rules.js';
import { registryFor } from '../../metrics/definitions/index.js';
import { config, type CliContext } from '../context.js';

interface Options {
  out?: string;
  job: string;
  for: string;
}

const JOB = /^[A-Za-z0-9_.:-]+$/;

/**
 * `pitwall prometheus rules [--out FILE] [--job NAME] [--for DURATION]`: a Prometheus rule file
 * from the registry (docs/prometheus.md). Reads config only, never the store.
 */
export function registerPrometheus(program: Command, ctx: CliContext): void {
  const prom = program
    .command('prometheus')
    .description('Prometheus: rules over the pitwall_* gauges of /metrics');
  prom
    .command('rules')
    .description(
      'write recording rules (per-team aggregations) and alerting rules (the registry thresholds, alerts: rules) as a Prometheus rule file',
    )
    .option('--out <file>', 'write the rule file here (default: print it)')
    .option('--job <name>', 'the scrape job of Pitwall in your Prometheus config', 'pitwall')
    .option('--for <duration>', 'how long a threshold must be crossed before its alert fires', '15m')
    .action((o: Options) => {
      if (!JOB.test(o.job))
        throw invalidArgument(
          `--job ${JSON.stringify(o.job)}: give the job_name of the scrape config, e.g. --job pitwall`,
        );
      if (durationMs(o.for) === null)
        throw invalidArgument(`--for ${JSON.stringify(o.for)}: give a duration such as 15m, 1h or 2d`);
      const out = o.out === undefined ? undefined : resolve(ctx.cwd, o.out);
      if (out !== undefined) {
        const dir = dirname(out);
        if (!existsSync(dir) || !statSync(dir).isDirectory())
          throw invalidArgument(`--out ${o.out}: folder ${dir} does not exist; create it or write elsewhere`);
        if (existsSync(out) && statSync(out).isDirectory())
          throw invalidArgument(
            `--out ${o.out} is a folder: give a file name, e.g. ${o.out}/pitwall.rules.yml`,
          );
      }
      const cfg = config(ctx, program);
      const built = buildRules(registryFor(cfg), cfg.alerts, { job: o.job, for: o.for });
      for (const u of built.unmapped) ctx.err(`alerts rule ${u.rule} left out: ${u.reason}\n`);
      const text = rulesYaml(built);
      if (out === undefined) return ctx.out(text);
      // Written beside and renamed: a reader (Prometheus reloading) never sees half a file.
      const tmp = `${out}.${process.pid}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, out);
      const n = built.file.groups.reduce((k, g) => k + g.rules.length, 0);
      ctx.err(`${out}: ${built.file.groups.length} group(s), ${n} rule(s)\n`);
    });
  for (const c of prom.commands) c.exitOverride().configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
}
