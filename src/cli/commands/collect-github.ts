import type { Command } from 'commander';
import pino from 'pino';
import { resolveAuth } from '../../collectors/github/auth.js';
import { createClient, findInstallation, type GitHubAuth } from '../../collectors/github/client.js';
import { collectGitHub, listOrgRepos, type GitHubCollection } from '../../collectors/github/collect-org.js';
import type { GitHubSettings } from '../../collectors/github/repo-context.js';
import type { Config } from '../../config/schema.js';
import { PitwallError, invalidArgument } from '../../errors/errors.js';
import { openStore } from '../../store/open.js';
import type { Store } from '../../store/store.js';
import { config, jsonOption, parseDateOption, printJson, withStore, type CliContext } from '../context.js';
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

const REPO = /^(?:([^\s/]+)\/)?([^\s/]+)$/;

function targetRepos(o: Options): { org: string | null; repos: string[] } {
  const repos = o.repo.map((r) => {
    const m = REPO.exec(r.trim());
    if (!m)
      throw invalidArgument(
        `--repo ${JSON.stringify(r)} is not a repository: use owner/name, or name with --org`,
      );
    const owner = m[1] ?? o.org;
    if (!owner) throw invalidArgument(`--repo ${r}: give it as owner/name, or pass --org`);
    return `${owner}/${m[2]}`;
  });
  if (!o.org && repos.length === 0)
    throw invalidArgument('--org is required (or one --repo owner/name per repository)');
  return { org: o.org ?? null, repos };
}

export function settingsFrom(cfg: Config, since: Date | null): GitHubSettings {
  const g = cfg.github;
  return {
    botLogins: cfg.bots.logins,
    hotfixPatterns: cfg.git.hotfix_patterns,
    deployEnvironmentPattern: g.deploy_environment_pattern,
    deployWorkflowPattern: g.deploy_workflow_pattern,
    deployWorkflowEnvironment: g.deploy_workflow_environment,
    releasesAsDeployments: g.releases_as_deployments,
    incidentLabels: g.incident_labels,
    rerunLookbackHours: g.rerun_lookback_hours,
    sweepMinutes: g.sweep_minutes,
    since,
    pageSize: 100,
    jobsVia: g.jobs_via,
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
      const { org, repos } = targetRepos(o);
      const apiUrl = o.apiUrl ?? cfg.github.api_url;
      if (!/^https?:\/\/\S+$/.test(apiUrl))
        throw invalidArgument(`--api-url ${JSON.stringify(apiUrl)} is not an http(s) URL`);
      const resolved = resolveAuth({
        env: ctx.env,
        cwd: ctx.cwd,
        tokenFile: o.tokenFile,
        installationId: o.installationId,
      });
      const logger = pino(
        { level: o.verbose ? 'info' : (ctx.env.PITWALL_LOG_LEVEL ?? 'warn'), base: { source: 'github' } },
        { write: (line: string) => ctx.err(line) },
      );
      let auth: GitHubAuth;
      if (resolved.type === 'app-lookup') {
        if (!org)
          throw invalidArgument(
            '--installation-id is required with --repo alone (or pass --org to look it up)',
          );
        auth = {
          ...resolved,
          type: 'app',
          installationId: await findInstallation(apiUrl, resolved.appId, resolved.privateKey, org),
        };
      } else auth = resolved;
      const retryBase = Number(ctx.env.PITWALL_GITHUB_RETRY_BASE_MS ?? '') || undefined;
      const client = createClient({
        auth,
        apiUrl,
        logger,
        retryAfterBaseMs: retryBase,
        graphqlMinIntervalMs: cfg.github.graphql_min_interval_ms,
      });
      const run = async (store: Store) => {
        const list = repos.length
          ? repos.map((repo) => ({ repo, default_branch: null }))
          : await listOrgRepos(client, store, org!);
        return collectGitHub({
          store,
          config: cfg,
          client,
          settings: settingsFrom(cfg, since),
          repos: list,
          logger,
          concurrency: cfg.github.concurrency,
          onRepo: (r) => logger.info({ repo: r.repo, ok: r.ok, records: r.records }, 'repository done'),
        });
      };
      if (o.dryRun) {
        // Nothing touches the configured store: collection and metrics live in memory.
        const store = await openStore({ duckdbPath: ':memory:' });
        try {
          const c = await run(store);
          const metrics = await githubMetrics(store, cfg, since);
          if (o.json) printJson(ctx, { ...jsonOf(c), dry_run: true, metrics });
          else ctx.out(summary(c, true) + printMetrics(metrics));
          failIfAny(c);
        } finally {
          await store.close();
        }
        return;
      }
      const c = await withStore(cfg, run);
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
