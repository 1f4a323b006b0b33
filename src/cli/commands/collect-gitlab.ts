import type { Command } from 'commander';
import type { AnyCollector } from '../../collectors/collector.js';
import type { CollectSummary } from '../../collectors/run.js';
import { ensureFresh } from '../../enrich/index.js';
import { openStore } from '../../store/open.js';
import { collectLogger, failIfAnySource, prepareForCli, runIntoStore } from '../collect-run.js';
import { config, jsonOption, parseDateOption, printJson, type CliContext } from '../context.js';
import { githubMetrics, printMetrics } from './github-dry-run.js';

interface Options {
  group?: string;
  project: string[];
  since?: string;
  dryRun?: boolean;
  json?: boolean;
  verbose?: boolean;
  tokenFile?: string;
  baseUrl?: string;
}

/** The run as projects and the requests they cost. */
function jsonOf(s: CollectSummary) {
  const projects = (s.sources ?? []).map((r) => ({
    project: r.source.replace(/^gitlab:/, ''),
    ok: r.ok,
    skipped: r.facts.skipped === true,
    error: r.error,
    records: r.total,
    written: r.written,
  }));
  return {
    projects,
    failed: projects.filter((p) => !p.ok).length,
    requests: {
      requests: Number(s.facts.requests ?? 0),
      graphql: Number(s.facts.graphql ?? 0),
      rest: Number(s.facts.rest ?? 0),
      retried: Number(s.facts.retried ?? 0),
    },
    elapsed_ms: Math.round(s.elapsedMs),
  };
}

function summary(s: CollectSummary, dryRun: boolean): string {
  const j = jsonOf(s);
  const lines = j.projects.map((p) =>
    p.ok
      ? `${p.project}: ${p.skipped ? 'unchanged' : `${p.records} records`}`
      : `${p.project}: FAILED (${p.error})`,
  );
  return (
    `${lines.join('\n')}\n${j.projects.length} projects (${j.failed} failed), ${j.requests.requests} requests ` +
    `(${j.requests.graphql} GraphQL, ${j.requests.retried} retried) in ${(s.elapsedMs / 1000).toFixed(1)}s` +
    `${dryRun ? ' (dry run: nothing written)' : ''}\n`
  );
}

/** `pitwall collect gitlab --group G [--project P ...] [--since D] [--dry-run] [--json] [--verbose]` */
export function collectGitLabFlags(
  cmd: Command,
  collector: AnyCollector,
  ctx: CliContext,
  program: Command,
): void {
  cmd
    .option(
      '--group <group>',
      'group (every non-archived project of it and its subgroups, unless --project is given)',
    )
    .option(
      '--project <project>',
      'project (group/name, or name with --group); repeatable',
      (v: string, a: string[]) => [...a, v],
      [],
    )
    .option('--since <date>', 'on a first run, only data from this date on (ISO-8601)')
    .option('--dry-run', 'collect into a temporary store, print the github.* metrics, write nothing')
    .option('--token-file <path>', 'file holding a token (default: GITLAB_TOKEN)')
    .option('--base-url <url>', 'GitLab address, e.g. https://gitlab.example.com (default: gitlab.base_url)')
    .option('--verbose', 'log each request retry and each project on stderr')
    .addOption(jsonOption())
    .action(async (o: Options) => {
      const cfg = config(ctx, program);
      const since = parseDateOption('since', o.since) ?? null;
      const logger = collectLogger(ctx, collector.id, o.verbose ? 'info' : undefined);
      // Options and the token are checked before any store is opened.
      const job = await prepareForCli(
        collector,
        {
          group: o.group,
          projects: o.project,
          since: since ?? undefined,
          base_url: o.baseUrl,
          token_file: o.tokenFile,
        },
        cfg,
        ctx,
        logger,
      );
      if (o.dryRun) {
        // Nothing touches the configured store: collection and metrics live in memory.
        const store = await openStore({ duckdbPath: ':memory:' });
        try {
          const s = await job.run({ store, config: cfg, logger });
          await ensureFresh(store, cfg);
          const metrics = await githubMetrics(store, cfg, since);
          if (o.json) printJson(ctx, { ...jsonOf(s), dry_run: true, metrics });
          else ctx.out(summary(s, true) + printMetrics(metrics));
          failIfAnySource(s);
        } finally {
          await store.close();
        }
        return;
      }
      const s = await runIntoStore(job, cfg, logger);
      if (o.json) printJson(ctx, jsonOf(s));
      else ctx.out(summary(s, false));
      failIfAnySource(s);
    });
}
