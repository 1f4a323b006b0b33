import { Option, type Command } from 'commander';
import { invalidArgument } from '../../errors/errors.js';
import { registryFor } from '../../metrics/definitions/index.js';
import {
  DEFAULTS,
  DEFAULT_WINDOW_DAYS,
  impactAnalysis,
  impactMarkdown,
  impactTable,
  parseRange,
} from '../../report/impact/index.js';
import { config, printJson, withStore, type CliContext } from '../context.js';

interface ImpactFlags {
  metric: string;
  annotation?: string;
  before?: string;
  after?: string;
  days?: string;
  by?: string;
  where?: string[];
  format: string;
  json?: boolean;
  resamples?: string;
  confidence?: string;
  seed?: string;
  minSample?: string;
}

const number = (flag: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n))
    throw invalidArgument(`--${flag} ${JSON.stringify(raw)} is not a number`);
  return n;
};

/** --where KEY=VALUE, repeated: only events whose group-by columns have these values. */
export function whereOf(pairs: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs ?? []) {
    const i = p.indexOf('=');
    if (i <= 0 || i === p.length - 1)
      throw invalidArgument(`--where ${JSON.stringify(p)}: write KEY=VALUE, e.g. --where repo=acme/api`);
    out[p.slice(0, i).trim()] = p.slice(i + 1).trim();
  }
  return out;
}

/** `pitwall impact`: before/after comparison of a metric around a change, with significance and business impact. */
export function registerImpact(program: Command, ctx: CliContext): void {
  program
    .command('impact')
    .description(
      "compare a metric's events before and after a change: medians and p90/p99 with bootstrap intervals, a rank test, the failure-rate change, same-weekday comparison, confounders and business impact",
    )
    .requiredOption(
      '--metric <name>',
      'the metric (see pitwall metrics list), e.g. testenv.provision.duration_p50_minutes',
    )
    .option(
      '--annotation <id>',
      'compare --days before and after this annotation (see pitwall annotate --list)',
    )
    .option('--before <start..end>', 'the before window, e.g. 2024-04-01..2024-04-29 (end excluded)')
    .option('--after <start..end>', 'the after window, e.g. 2024-05-01..2024-05-29')
    .option('--days <n>', `with --annotation: days in each window (default ${DEFAULT_WINDOW_DAYS})`)
    .option('--by <group>', 'one comparison per group, e.g. repo (each metric lists what it allows)')
    .option('--where <key=value...>', 'only these events, e.g. --where phase=testenv.kubernetes')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'json', 'markdown'])
        .default('table'),
    )
    .option('--json', 'same as --format json')
    .option('--resamples <n>', `bootstrap resamples (default ${DEFAULTS.resamples})`)
    .option(
      '--confidence <level>',
      `interval level and 1 − significance level (default ${DEFAULTS.confidence})`,
    )
    .option('--seed <n>', `bootstrap seed (default ${DEFAULTS.seed}): the same seed gives the same intervals`)
    .option('--min-sample <n>', `warn below this many events in a window (default ${DEFAULTS.minSample})`)
    .action(async (o: ImpactFlags) => {
      const cfg = config(ctx, program);
      const registry = registryFor(cfg);
      const request = {
        metric: o.metric,
        annotation: o.annotation ?? null,
        before: o.before === undefined ? null : parseRange('--before', o.before),
        after: o.after === undefined ? null : parseRange('--after', o.after),
        days: number('days', o.days),
        by: o.by ?? null,
        where: whereOf(o.where),
        resamples: number('resamples', o.resamples),
        confidence: number('confidence', o.confidence),
        seed: number('seed', o.seed),
        minSample: number('min-sample', o.minSample),
        now: new Date(),
      };
      if (o.days !== undefined && !o.annotation)
        throw invalidArgument(
          '--days sets the windows around --annotation; with --before/--after give the windows themselves',
        );
      const report = await withStore(cfg, (store) => impactAnalysis(store, registry, cfg.costs, request));
      const format = o.json ? 'json' : o.format;
      if (format === 'json') printJson(ctx, report);
      else ctx.out(format === 'markdown' ? impactMarkdown(report) : impactTable(report));
    });
}
