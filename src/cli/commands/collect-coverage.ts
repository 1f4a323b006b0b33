import { Option, type Command } from 'commander';
import type { AnyCollector } from '../../collectors/collector.js';
import { collectLogger, prepareForCli, runIntoStore } from '../collect-run.js';
import { config, jsonOption, parseDateOption, printJson, type CliContext } from '../context.js';

interface Options {
  format: string;
  repo?: string;
  sha?: string;
  branch?: string;
  root?: string;
  sourceRoot?: string[];
  at?: string;
  json?: boolean;
}

const pct = (c: number, t: number) => (t ? `${((100 * c) / t).toFixed(2)}%` : 'n/a');

/**
 * `pitwall collect coverage FILE... --format lcov|cobertura|jacoco [--repo] [--sha] [--branch]
 * [--root] [--source-root DIR...] [--at] [--json]`: the files are one report of one commit,
 * read whole before anything is written, and written in one transaction.
 */
export function collectCoverageFlags(
  cmd: Command,
  collector: AnyCollector,
  ctx: CliContext,
  program: Command,
): void {
  cmd
    .argument('<files...>', 'coverage report files (one report: files they share are merged)')
    .addOption(
      new Option('--format <format>', 'what wrote them: lcov, cobertura or jacoco')
        .choices(['lcov', 'cobertura', 'jacoco'])
        .makeOptionMandatory(),
    )
    .option('--repo <owner/name>', 'repository (default: the origin of the git repository here)')
    .option('--sha <sha>', 'commit the coverage was measured on (default: HEAD here)')
    .option('--branch <name>', 'branch (default: the one checked out here, when --sha is not given)')
    .option('--root <dir>', 'repository root the report paths are made relative to (default: git top level)')
    .option(
      '--source-root <dir...>',
      'JaCoCo: folders under the root its package paths are looked for in (default: src/main/java, src/main/kotlin, src/main/scala, src, .)',
    )
    .option('--at <time>', 'when the report was written (default: its own time stamp, else the file time)')
    .addOption(jsonOption())
    .action(async (files: string[], o: Options) => {
      const cfg = config(ctx, program);
      const logger = collectLogger(ctx, collector.id);
      const job = await prepareForCli(
        collector,
        {
          paths: files,
          format: o.format,
          cwd: ctx.cwd,
          repo: o.repo,
          sha: o.sha,
          branch: o.branch,
          root: o.root,
          source_roots: o.sourceRoot,
          at: parseDateOption('at', o.at),
        },
        cfg,
        ctx,
        logger,
      );
      const s = await runIntoStore(job, cfg, logger);
      const f = s.facts;
      const n = (k: string) => Number(f[k] ?? 0);
      if (Number(f.outside ?? 0) > 0)
        ctx.err(
          `pitwall: warning: ${String(f.outside)} file(s) lie outside the repository and were kept as written; pass --root (tolerated)\n`,
        );
      if (o.json) {
        printJson(ctx, {
          report_id: f.report_id,
          repo: f.repo,
          sha: f.sha,
          branch: f.branch || null,
          files: n('files'),
          lines_covered: n('lines_covered'),
          lines_total: n('lines_total'),
          branches_covered: n('branches_covered'),
          branches_total: n('branches_total'),
          elapsed_ms: Math.round(s.elapsedMs),
        });
        return;
      }
      ctx.out(
        `${String(f.repo)}@${String(f.sha).slice(0, 12)}: ${n('files')} files, lines ${n('lines_covered')}/${n('lines_total')} (${pct(n('lines_covered'), n('lines_total'))}), ` +
          `branches ${n('branches_covered')}/${n('branches_total')} (${pct(n('branches_covered'), n('branches_total'))}) written (report ${String(f.report_id)})\n`,
      );
    });
}
