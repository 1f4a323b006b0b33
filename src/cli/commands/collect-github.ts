import type { Command } from 'commander';
import pino from 'pino';
import type { GitHubCollection } from '../../collectors/github/collect-org.js';
import { githubClientFor, githubTarget, runGitHub, settingsFrom } from '../../collectors/github/prepare.js';
import { ensureFresh } from '../../enrich/index.js';
import { PitwallError } from '../../errors/errors.js';
import { openStore } from '../../store/open.js';
import type { Store } from '../../store/store.js';
import {
  config,
  jsonOption,
  parseDateOption,
  printJson,
  withWritableStore,
  type CliContext,
} from '../context.js';
import { collectCommand } from './collect.js';
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
export function registerCollectGitHub(program: Command, ctx: CliContext): void {
  collectCommand(program)
    .command('github')
    .description('read pull requests, reviews, Actions runs and jobs, deployments and incidents from GitHub')
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
      const target = githubTarget(o.org ?? null, o.repo);
      const logger = pino(
        { level: o.verbose ? 'info' : (ctx.env.PITWALL_LOG_LEVEL ?? 'warn'), base: { source: 'github' } },
        { write: (line: string) => ctx.err(line) },
      );
      const client = await githubClientFor({
        env: ctx.env,
        cwd: ctx.cwd,
        config: cfg,
        target,
        logger,
        apiUrl: o.apiUrl,
        tokenFile: o.tokenFile,
        installationId: o.installationId,
      });
      const run = (store: Store) => runGitHub({ store, config: cfg, client, target, since, logger });
      if (o.dryRun) {
        // Nothing touches the configured store: collection and metrics live in memory.
        const store = await openStore({ duckdbPath: ':memory:' });
        try {
          const c = await run(store);
          await ensureFresh(store, cfg);
          const metrics = await githubMetrics(store, cfg, since);
          if (o.json) printJson(ctx, { ...jsonOf(c), dry_run: true, metrics });
          else ctx.out(summary(c, true) + printMetrics(metrics));
          failIfAny(c);
        } finally {
          await store.close();
        }
        return;
      }
      const c = await withWritableStore(cfg, run);
      if (o.json) printJson(ctx, jsonOf(c));
      else ctx.out(summary(c, false));
      failIfAny(c);
    });
}

/** The others were collected; exit 1 still tells a scheduler that some repository needs a look. */
function failIfAny(c: GitHubCollection): void {
  const failed = c.repos.filter((r) => !r.ok);
  if (failed.length)
    throw new PitwallError(
      'collector_failed',
      `${failed.length} of ${c.repos.length} repositories failed (recorded on their sources; see pitwall collectors list): ${failed.map((r) => r.repo).join(', ')}`,
    );
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
