import { z } from 'zod';
import { instant } from '../../domain/time.js';
import type { FanOutCollector } from '../collector.js';
import type { GitHubClient } from './client.js';
import { collectRepo, repoSource, type GitHubRepoTarget } from './collect-repo.js';
import { githubSettings } from './config.js';
import { listOrgRepos } from './org-repos.js';
import { githubClientFor, githubTarget, settingsFrom } from './prepare.js';
import type { GitHubSettings } from './repo-context.js';

/** One run's options: `pitwall collect github` flags, or a `collectors:` job's `options:`. */
const options = z
  .object({
    /** Every non-archived repository of this organisation, unless `repos` names some. */
    org: z.string().trim().min(1).optional(),
    /** owner/name, or name with `org`. */
    repos: z.array(z.string().min(1)).default([]),
    /** On a first run, only data from this instant on. */
    since: instant.optional(),
    /** REST base URL for this run, instead of github.api_url. */
    api_url: z.string().min(1).optional(),
    /** A file holding a token, instead of GITHUB_TOKEN; relative to the working directory. */
    token_file: z.string().min(1).optional(),
    /** The GitHub App installation (with PITWALL_GITHUB_APP_ID); else looked up for `org`. */
    installation_id: z
      .union([z.string().min(1), z.number().int().positive()])
      .transform(String)
      .optional(),
  })
  .strict()
  .refine((o) => o.org !== undefined || o.repos.length > 0, {
    path: ['org'],
    message: 'required: an organisation (--org, or org:), or repositories as owner/name (--repo, or repos:)',
  });

/** A prepared run: the repositories to read (or the org to list), the client and the settings. */
export interface GitHubRun {
  org: string | null;
  repos: string[];
  client: GitHubClient;
  settings: GitHubSettings;
  concurrency: number;
}

export const githubCollector = {
  id: 'github',
  description:
    'pull requests, reviews, landing commits, Actions runs and jobs, deployments and incident issues from GitHub',
  configSchema: options,
  settings: githubSettings,
  // Credentials are resolved (and an App installation looked up) before a store is opened.
  async prepare(o, ctx) {
    const target = githubTarget(o.org ?? null, o.repos);
    const client = await githubClientFor({
      env: ctx.env,
      cwd: ctx.cwd,
      config: ctx.config,
      target,
      logger: ctx.logger,
      apiUrl: o.api_url,
      tokenFile: o.token_file,
      installationId: o.installation_id,
    });
    return {
      sourceId: target.org ? `github-org:${target.org}` : `github:${target.repos.join(',')}`,
      target: {
        ...target,
        client,
        settings: settingsFrom(ctx.config, o.since ?? null),
        concurrency: ctx.config.github.concurrency,
      },
    };
  },
  // Named repositories are read as given; otherwise the org is listed (its listing cached).
  async split(run, ctx) {
    const facts = () => ({
      requests: run.client.stats.requests,
      not_modified: run.client.stats.notModified,
      graphql: run.client.stats.graphql,
      retried: run.client.stats.retried,
    });
    const source = (r: { repo: string; default_branch: string | null }) =>
      repoSource(r.repo, r.default_branch, run.client, run.settings);
    if (run.repos.length || !run.org)
      return {
        sources: run.repos.map((repo) => source({ repo, default_branch: null })),
        concurrency: run.concurrency,
        facts,
      };
    const listing = await listOrgRepos(run.client, run.org, ctx.cursor);
    return {
      sources: listing.repos.map(source),
      concurrency: run.concurrency,
      cursor: listing.cursor,
      facts,
    };
  },
  collect: collectRepo,
} satisfies FanOutCollector<typeof options, GitHubRun, GitHubRepoTarget>;
