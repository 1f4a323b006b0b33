import type { Command } from 'commander';
import { recordKinds, type RecordKind } from '../../domain/records.js';
import { createDemo } from '../../demo/generate.js';
import { DEMO_LIMITS, resolveDemoOptions, type DemoOptions } from '../../demo/options.js';
import { ensureFresh } from '../../enrich/index.js';
import { invalidArgument } from '../../errors/errors.js';
import { ingestBatches } from '../../ingest/ingest.js';
import { config, jsonOption, parseDateOption, printJson, withStore, type CliContext } from '../context.js';

/** Above this many developer-days the run takes minutes and floods the store: refuse, name the fix. */
const MAX_DEVELOPER_DAYS = 400_000;
/** Roughly how many records one developer-day produces: for progress only. */
const RECORDS_PER_DEVELOPER_DAY = 28;

interface DemoFlags {
  developers?: string;
  days?: string;
  seed?: string;
  end?: string;
  fresh?: boolean;
  json?: boolean;
}

function wholeNumber(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw invalidArgument(
      `--${name} ${JSON.stringify(value)} is not valid: use a whole number from ${min} to ${max}`,
    );
  return n;
}

/** Checks every option before anything is opened or written. */
export function parseDemoFlags(o: DemoFlags): DemoOptions {
  const options = resolveDemoOptions({
    developers: wholeNumber('developers', o.developers, 2, DEMO_LIMITS.developers),
    days: wholeNumber('days', o.days, 1, DEMO_LIMITS.days),
    seed: wholeNumber('seed', o.seed, 0, 2 ** 31 - 1),
    end: parseDateOption('end', o.end),
  });
  if (options.developers * options.days > MAX_DEVELOPER_DAYS)
    throw invalidArgument(
      `--developers ${options.developers} × --days ${options.days} is too large (limit ${MAX_DEVELOPER_DAYS.toLocaleString('en')} developer-days): lower one of them`,
    );
  return options;
}

/** `pitwall demo`: a deterministic demo organisation written into the configured store. */
export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description(
      'generate a deterministic demo organisation (git, PRs, CI, deployments, incidents, DX) into the store',
    )
    .option('--developers <n>', 'human developers (default 50)')
    .option('--days <n>', 'days of history (default 90)')
    .option('--seed <n>', 'random seed (default 42)')
    .option('--end <date>', 'end of the window, exclusive, UTC day (default: start of today, UTC)')
    .option('--fresh', 'delete every ingested record first')
    .addOption(jsonOption())
    .action(async (o: DemoFlags) => {
      const options = parseDemoFlags(o);
      const cfg = config(ctx, program);
      const run = createDemo(options);
      const started = Date.now();
      const expected = options.developers * options.days * RECORDS_PER_DEVELOPER_DAY;
      const showProgress = expected > 200_000;
      let nextReport = 0.1;
      const enriched = await withStore(cfg, async (store) => {
        if (o.fresh)
          await store.transaction(async (tx) => {
            for (const k of Object.values(recordKinds)) await tx.query(`delete from ${k.table}`);
            // Nothing derived so far stands: every step starts over on the new records.
            await tx.query('delete from enrich_steps');
          });
        await ingestBatches(store, run.batches(10_000), (n) => {
          if (showProgress && n / expected >= nextReport) {
            ctx.err(
              `demo: ${n.toLocaleString('en')} records written (~${Math.min(99, Math.round((n / expected) * 100))}%)\n`,
            );
            nextReport += 0.1;
          }
        });
        if (showProgress) ctx.err('demo: enriching (deployment commits, outcomes)\n');
        const steps = await ensureFresh(store, cfg);
        const [failed] = await store.query<{ n: number }>(
          'select count(*) as n from deployment_outcomes where failed',
        );
        return { steps, failedDeployments: Number(failed?.n ?? 0) };
      });
      const elapsedMs = Date.now() - started;
      const realised = run.realised();
      const perSecond = Math.round(realised.total / Math.max(elapsedMs / 1000, 0.001));
      if (o.json) {
        printJson(ctx, {
          options: run.truth.options,
          total: realised.total,
          counts: realised.counts,
          elapsedMs,
          recordsPerSecond: perSecond,
          enrich: enriched,
          truth: run.truth,
          realised,
        });
        return;
      }
      const kinds = Object.entries(realised.counts) as [RecordKind, number][];
      const width = Math.max(...kinds.map(([k]) => k.length));
      ctx.out(
        `demo: ${options.developers} developers, ${options.days} days to ${options.end.toISOString().slice(0, 10)}, seed ${options.seed}\n` +
          kinds.map(([k, n]) => `  ${k.padEnd(width)}  ${n.toLocaleString('en').padStart(12)}\n`).join('') +
          `  ${'total'.padEnd(width)}  ${realised.total.toLocaleString('en').padStart(12)}\n` +
          `${realised.failedDeployments.length} failed production deployments by construction, ${enriched.failedDeployments} found by enrich\n` +
          `${(elapsedMs / 1000).toFixed(1)} s, ${perSecond.toLocaleString('en')} records/s\n`,
      );
    });
}
