import type { Command } from 'commander';
import { z } from 'zod';
import type { AnyCollector } from '../../collectors/collector.js';
import { invalidArgument } from '../../errors/errors.js';
import { collectLogger, prepareForCli, runIntoStore } from '../collect-run.js';
import { config, jsonOption, parseDateOption, printJson, type CliContext } from '../context.js';

interface Options {
  repo?: string;
  sha?: string;
  branch?: string;
  run?: string;
  attempt?: string;
  at?: string;
  json?: boolean;
}

const perFile = z.array(
  z.object({
    file: z.string(),
    format: z.string(),
    tests: z.number(),
    passed: z.number(),
    failed: z.number(),
    error: z.number(),
    skipped: z.number(),
    warnings: z.array(z.string()),
  }),
);

export function parseAttempt(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const n = Number(raw);
  // Attempts are stored as 32-bit integers.
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 31 - 1)
    throw invalidArgument(`--attempt ${JSON.stringify(raw)}: expected 1, 2, ... (at most 2147483647)`, {
      field: 'attempt',
    });
  return n;
}

/** Options shared with `tests run`, which collects the reports its command wrote. */
export function reportOptions(cmd: Command): Command {
  return cmd
    .option('--repo <owner/name>', 'repository the tests belong to (part of each test id)')
    .option('--sha <sha>', 'commit the tests ran on')
    .option('--branch <name>', 'branch the tests ran on')
    .option('--run <id>', 'CI run id (default: derived from the reports, so re-collecting is idempotent)')
    .option('--attempt <n>', 'CI run attempt; a test repeated in the reports counts on from it', '1')
    .option('--at <time>', 'when the tests ran (default: the reports’ timestamps, else file times)');
}

/**
 * `pitwall collect junit PATH... [--repo] [--sha] [--branch] [--run] [--attempt] [--at] [--json]`
 * All-or-nothing per invocation: every file is parsed before anything is written, and all
 * records are written in one transaction.
 */
export function collectJunitFlags(
  cmd: Command,
  collector: AnyCollector,
  ctx: CliContext,
  program: Command,
): void {
  reportOptions(
    cmd.argument('<paths...>', 'report files, directories (every *.xml and *.trx below) or globs'),
  )
    .addOption(jsonOption())
    .action(async (paths: string[], o: Options) => {
      const cfg = config(ctx, program);
      const logger = collectLogger(ctx, collector.id);
      const job = await prepareForCli(
        collector,
        {
          paths,
          cwd: ctx.cwd,
          repo: o.repo,
          sha: o.sha,
          branch: o.branch,
          run: o.run,
          attempt: parseAttempt(o.attempt),
          at: parseDateOption('at', o.at),
        },
        cfg,
        ctx,
        logger,
      );
      const summary = await runIntoStore(job, cfg, logger);
      const files = perFile.parse(JSON.parse(String(summary.facts.per_file ?? '[]')));
      for (const w of files.flatMap((f) => f.warnings)) ctx.err(`pitwall: warning: ${w} (tolerated)\n`);
      if (o.json) {
        printJson(ctx, {
          run_id: summary.facts.run_id,
          files,
          tests: summary.written.test_result ?? 0,
          elapsed_ms: Math.round(summary.elapsedMs),
        });
        return;
      }
      for (const f of files)
        ctx.out(
          `${f.file}: ${f.tests} tests: ${f.passed} passed, ${f.failed} failed, ${f.error} errors, ${f.skipped} skipped\n`,
        );
      ctx.out(
        `${summary.written.test_result ?? 0} test results written (run ${String(summary.facts.run_id)})\n`,
      );
    });
}
