import type { Config } from '../../config/schema.js';
import { invalidArgument } from '../../errors/errors.js';
import type { CollectorLogger } from '../collector.js';
import { resolveAuth } from './auth.js';
import { createClient, findInstallation, type GitHubAuth, type GitHubClient } from './client.js';
import type { GitHubSettings } from './repo-context.js';

export interface GitHubTarget {
  org: string | null;
  /** owner/name; empty means every non-archived repository of `org`. */
  repos: string[];
}

const REPO = /^(?:([^\s/]+)\/)?([^\s/]+)$/;

/** Repositories named as owner/name, or as name with the organisation. */
export function githubTarget(org: string | null, repos: readonly string[]): GitHubTarget {
  const full = repos.map((r) => {
    const m = REPO.exec(r.trim());
    if (!m)
      throw invalidArgument(
        `--repo ${JSON.stringify(r)} is not a repository: use owner/name, or name with --org`,
      );
    const owner = m[1] ?? org;
    if (!owner) throw invalidArgument(`--repo ${r}: give it as owner/name, or pass --org`);
    return `${owner}/${m[2]}`;
  });
  if (!org && full.length === 0)
    throw invalidArgument('--org is required (or one --repo owner/name per repository)');
  return { org, repos: full };
}

export function settingsFrom(cfg: Config, since: Date | null): GitHubSettings {
  const g = cfg.github;
  return {
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
    queueTimeFallback: g.queue_time_fallback,
  };
}

/**
 * The client for a run: a GitHub App installation (looked up for the org when no id is given)
 * or a token, from the host's environment (given in the run's context) or a token file.
 * Secrets are read here and never logged.
 */
export async function githubClientFor(o: {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  config: Config;
  target: GitHubTarget;
  logger: CollectorLogger;
  apiUrl?: string;
  tokenFile?: string;
  installationId?: string;
}): Promise<GitHubClient> {
  const apiUrl = o.apiUrl ?? o.config.github.api_url;
  if (!/^https?:\/\/\S+$/.test(apiUrl))
    throw invalidArgument(`--api-url ${JSON.stringify(apiUrl)} is not an http(s) URL`);
  const resolved = resolveAuth({
    env: o.env,
    cwd: o.cwd,
    tokenFile: o.tokenFile,
    installationId: o.installationId,
  });
  let auth: GitHubAuth;
  if (resolved.type === 'app-lookup') {
    if (!o.target.org)
      throw invalidArgument('--installation-id is required with --repo alone (or pass --org to look it up)');
    auth = {
      ...resolved,
      type: 'app',
      installationId: await findInstallation(apiUrl, resolved.appId, resolved.privateKey, o.target.org),
    };
  } else auth = resolved;
  const retryBase = Number(o.env.PITWALL_GITHUB_RETRY_BASE_MS ?? '') || undefined;
  return createClient({
    auth,
    apiUrl,
    logger: o.logger,
    retryAfterBaseMs: retryBase,
    graphqlMinIntervalMs: o.config.github.graphql_min_interval_ms,
  });
}
