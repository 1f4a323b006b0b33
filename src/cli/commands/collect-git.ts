import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { AnyCollector, CollectProgress } from '../../collectors/collector.js';
import type { CollectSummary } from '../../collectors/run.js';
import { collectLogger, prepareForCli, runIntoStore } from '../collect-run.js';
import { config, jsonOption, printJson, type CliContext } from '../context.js';

interface Options {
  repo: string;
  name?: string;
  json?: boolean;
}

/** Commits/s on stderr, only for a person watching a terminal. */
function progressBar(ctx: CliContext): { update: (p: CollectProgress) => void; stop: () => void } {
  if (!ctx.interactive) return { update: () => undefined, stop: () => undefined };
  const t0 = performance.now();
  const bar = new cliProgress.SingleBar(
    { format: 'git: {value} {unit} read, {rate} {unit}/s', stream: process.stderr, clearOnComplete: true },
    cliProgress.Presets.legacy,
  );
  bar.start(0, 0, { unit: 'commits', rate: 0 });
  return {
    update: (p) =>
      bar.update(p.done, {
        unit: p.unit,
        rate: Math.round(p.done / Math.max(0.001, (performance.now() - t0) / 1000)),
      }),
    stop: () => bar.stop(),
  };
}

function summaryLine(s: CollectSummary, repo: string): string {
  const n = (k: 'commit' | 'tag' | 'person') => s.written[k] ?? 0;
  const secs = s.elapsedMs / 1000;
  const mode = s.facts.incremental ? 'incremental' : 'full';
  return (
    `${repo}: ${n('commit')} commits, ${n('tag')} tags, ${n('person')} people written ` +
    `in ${secs.toFixed(1)}s (${mode}, ${Math.round(n('commit') / Math.max(secs, 0.001))} commits/s)\n`
  );
}

/** `pitwall collect git --repo PATH [--name owner/name] [--json]`; later runs read only new commits. */
export function collectGitFlags(
  cmd: Command,
  collector: AnyCollector,
  ctx: CliContext,
  program: Command,
): void {
  cmd
    .requiredOption('--repo <path>', 'path of the git clone')
    .option('--name <owner/name>', 'repository name (default: from the origin remote, else local/<dir>)')
    .addOption(jsonOption())
    .action(async (o: Options) => {
      const cfg = config(ctx, program);
      const logger = collectLogger(ctx, collector.id);
      // Checked before the store is opened: a bad path writes nothing, not even an empty store.
      const job = await prepareForCli(collector, { path: o.repo, name: o.name }, cfg, ctx, logger);
      const repo = job.sourceId.slice('git:'.length);
      const bar = progressBar(ctx);
      const summary = await runIntoStore(job, cfg, logger, bar.update).finally(() => bar.stop());
      if (o.json)
        printJson(ctx, {
          repo,
          source: summary.source,
          commits: summary.written.commit ?? 0,
          tags: summary.written.tag ?? 0,
          people: summary.written.person ?? 0,
          records: summary.total,
          commits_read: summary.facts.commits_read ?? 0,
          incremental: summary.facts.incremental ?? false,
          elapsed_ms: Math.round(summary.elapsedMs),
        });
      else ctx.out(summaryLine(summary, repo));
    });
}
