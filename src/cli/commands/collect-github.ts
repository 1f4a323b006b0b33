import type { Command } from 'commander';
import type { AnyCollector } from '../../collectors/collector.js';
import { repoOutcomes, type GitHubCollection } from '../../collectors/github/collect-org.js';
import { settingsFrom } from '../../collectors/github/prepare.js';
import type { CollectSummary } from '../../collectors/run.js';
import { ensureFresh } from '../../enrich/index.js';
import { openStore } from '../../store/open.js';
import { collectLogger, failIfAnySource, prepareForCli, runIntoStore } from '../collect-run.js';
import { config, jsonOption, parseDateOption, printJson, type CliContext } from '../context.js';
import { githubMetrics, printMetrics } from './github-dry-run.js';

interface Options {
  org?: string;
  repo: string[];
  since?: string;
  dryRun?: boolean;
  json?: boolean;
  verbose?: boolean;
  tokenFile?: string;
  apiUrl?: string;
  installationId?: string;
}

/** Kept for callers that imported it from here. */
export { settingsFrom };

/** The run's summary as repositories and the requests they cost. */
function collectionOf(s: CollectSummary): GitHubCollection {
  const n = (k: string) => Number(s.facts[k] ?? 0);
  return {
    repos: repoOutcomes(s.sources ?? []),
    requests: {
      requests: n('requests'),
      notModified: n('not_modified'),
      graphql: n('graphql'),
      retried: n('retried'),
    },
    elapsedMs: s.elapsedMs,
  };
}

function summary(c: GitHubCollection, dryRun: boolean): string {
  const lines = c.repos.map((r) =>
    r.ok
      ? `${r.repo}: ${r.skipped ? 'unchanged' : `${r.records} records`}`
      : `${r.repo}: FAILED (${r.error})`,
  );
  const failed = c.repos.filter((r) => !r.ok).length;
  return (
    `${lines.join('\n')}\n${c.repos.length} repositories (${failed} failed), ${c.requests.requests} requests ` +
    `(${c.requests.notModified} not modified, ${c.requests.graphql} GraphQL) in ${(c.elapsedMs / 1000).toFixed(1)}s` +
    `${dryRun ? ' (dry run: nothing written)' : ''}\n`
  );
}

/** `pitwall collect github --org O [--repo R ...] [--since D] [--dry-run] [--json] [--verbose]` */
export function collectGitHubFlags(
  cmd: Command,
  collector: AnyCollector,
  ctx: CliContext,
  program: Command,
): void {
  cmd
    .option('--org <org>', 'organisation (every non-archived repository, unless --repo is given)')
    .option(
      '--repo <repo>',
      'repository (owner/name, or name with --org); repeatable',
      (v: string, a: string[]) => [...a, v],
      [],
    )
    .option('--since <date>', 'on a first run, only data from this date on (ISO-8601)')
    .option('--dry-run', 'collect into a temporary store, print the github.* metrics, write nothing')
    .option('--token-file <path>', 'file holding a token (default: GITHUB_TOKEN)')
    .option('--api-url <url>', 'REST base URL; GitHub Enterprise Server: https://HOST/api/v3')
    .option('--installation-id <id>', 'GitHub App installation (with PITWALL_GITHUB_APP_ID)')
    .option('--verbose', 'log each request retry and each repository on stderr')
    .addOption(jsonOption())
    .action(async (o: Options) => {
      const cfg = config(ctx, program);
      const since = parseDateOption('since', o.since) ?? null;
      const logger = collectLogger(ctx, collector.id, o.verbose ? 'info' : undefined);
      // Options, credentials and the App installation are checked before any store is opened.
      const job = await prepareForCli(
        collector,
        {
          org: o.org,
          repos: o.repo,
          since: since ?? undefined,
          api_url: o.apiUrl,
          token_file: o.tokenFile,
          installation_id: o.installationId,
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
          const c = collectionOf(s);
          if (o.json) printJson(ctx, { ...jsonOf(c), dry_run: true, metrics });
          else ctx.out(summary(c, true) + printMetrics(metrics));
          failIfAnySource(s);
        } finally {
          await store.close();
        }
        return;
      }
      const s = await runIntoStore(job, cfg, logger);
      const c = collectionOf(s);
      if (o.json) printJson(ctx, jsonOf(c));
      else ctx.out(summary(c, false));
      failIfAnySource(s);
    });
}

function jsonOf(c: GitHubCollection) {
  return {
    repos: c.repos.map((r) => ({
      repo: r.repo,
      ok: r.ok,
      skipped: r.skipped,
      error: r.error,
      records: r.records,
      written: r.written,
    })),
    failed: c.repos.filter((r) => !r.ok).length,
    requests: c.requests,
    elapsed_ms: Math.round(c.elapsedMs),
  };
}
