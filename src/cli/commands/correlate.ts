import { Option, type Command } from 'commander';
import { invalidArgument } from '../../errors/errors.js';
import { registryFor } from '../../metrics/definitions/index.js';
import {
  CORRELATION_BUCKETS,
  checkOptions,
  correlate,
  type CorrelationBucket,
} from '../../report/correlations.js';
import { correlationText, strongestText } from '../../report/correlations-format.js';
import { strongestRelations } from '../../report/correlations-strongest.js';
import { config, parseDateOption, printJson, withStore, type CliContext } from '../context.js';

interface Flags {
  bucket?: string;
  from?: string;
  to?: string;
  minN?: string;
  alpha?: string;
  strongest?: boolean;
  format: string;
  json?: boolean;
}

const DAY = 86_400_000;
const num = (flag: string, raw: string | undefined) => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n))
    throw invalidArgument(`--${flag} ${JSON.stringify(raw)} is not a number`);
  return n;
};

/** `pitwall correlate X Y`: Spearman over team x bucket points; `--strongest`: the configured table. */
export function registerCorrelate(program: Command, ctx: CliContext): void {
  program
    .command('correlate')
    .description(
      'does one metric move with another across teams and time? Spearman rank correlation over team x week/month/quarter points, with n, p-value and the caveat (or --strongest: every configured pair)',
    )
    .argument('[x]', 'a metric that groups by team, e.g. dx.survey.nps')
    .argument('[y]', 'another, e.g. github.prs.time_to_first_review_hours')
    .addOption(
      new Option('--bucket <bucket>', 'one point per team and ...').choices([...CORRELATION_BUCKETS]),
    )
    .option('--from <date>', 'window start (default: correlations.window_days before --to)')
    .option('--to <date>', 'window end, exclusive (default: now)')
    .option(
      '--min-n <n>',
      'warn and never call it significant below this many points (default correlations.min_n)',
    )
    .option('--alpha <level>', 'significance level (default correlations.alpha)')
    .option('--strongest', 'the strongest relations over the correlations: metrics or pairs')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--json', 'same as --format json')
    .action(async (x: string | undefined, y: string | undefined, o: Flags) => {
      const cfg = config(ctx, program);
      const registry = registryFor(cfg);
      const json = o.json || o.format === 'json';
      const to = parseDateOption('to', o.to) ?? new Date();
      const from =
        parseDateOption('from', o.from) ?? new Date(to.getTime() - cfg.correlations.window_days * DAY);
      const bucket = (o.bucket ?? cfg.correlations.bucket) as CorrelationBucket;
      if (o.strongest) {
        if (x || y)
          throw invalidArgument(
            '--strongest takes no metrics: it pairs those of correlations: in the config',
          );
        const c = {
          ...cfg.correlations,
          bucket,
          window_days: Math.max(1, Math.round((to.getTime() - from.getTime()) / DAY)),
          ...(() => {
            const v = checkOptions(num('min-n', o.minN), num('alpha', o.alpha));
            return { min_n: v.minN, alpha: v.alpha };
          })(),
        };
        const t = await withStore(cfg, (store) => strongestRelations(store, registry, c, to));
        if (json) printJson(ctx, t);
        else ctx.out(strongestText(t));
        return;
      }
      if (!x || !y)
        throw invalidArgument(
          'give two metrics, e.g. pitwall correlate dx.survey.nps github.prs.time_to_first_review_hours (or --strongest)',
        );
      const r = await withStore(cfg, (store) =>
        correlate(store, registry, {
          x,
          y,
          bucket,
          from,
          to,
          minN: num('min-n', o.minN) ?? cfg.correlations.min_n,
          alpha: num('alpha', o.alpha) ?? cfg.correlations.alpha,
        }),
      );
      if (json) printJson(ctx, r);
      else ctx.out(correlationText(r));
    });
}
