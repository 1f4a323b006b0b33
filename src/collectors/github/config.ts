import { z } from 'zod';
import { configSection } from '../../config/sections.js';

const regex = z.string().refine(
  (p) => {
    try {
      new RegExp(p, 'i');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

/** The `github:` section of pitwall.yaml. */
export const githubSection = z
  .object({
    /** https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
    api_url: z.string().url().default('https://api.github.com'),
    /** Deployments API environments collected; DORA then counts those in dora.production_environments. */
    deploy_environment_pattern: regex.default('^(prod|production|live)([-_ ./].*)?$'),
    /** Workflow runs (or jobs) named like this are deployments; null: only the Deployments API. */
    deploy_workflow_pattern: regex.nullable().default('(^|[^a-z])deploy'),
    deploy_workflow_environment: z.string().min(1).default('production'),
    /** Opt-in: published releases count as production deployments of their tag. */
    releases_as_deployments: z.boolean().default(false),
    /** Issues with any of these labels are incidents. */
    incident_labels: z.array(z.string().min(1)).default(['incident']),
    /** Runs this much older than the newest are re-listed so re-runs of them are seen. */
    rerun_lookback_hours: z.number().positive().default(72),
    /** An unchanged repository (per its events feed) is still fully re-read this often. */
    sweep_minutes: z.number().nonnegative().default(60),
    /**
     * Least milliseconds between two GraphQL requests. Unset: Octokit's pacing (1 s, which
     * GitHub asks for between mutations; the collector sends only queries). Lower it for a
     * GitHub Enterprise Server or a test server that allows more.
     */
    graphql_min_interval_ms: z.number().int().nonnegative().nullable().default(null),
    /**
     * Jobs from REST (default: one request per new run, keeps job created_at and so queue time)
     * or from GraphQL check runs (one request per 100 runs; re-run runs still use REST).
     * GitHub's GraphQL has no job creation time or runner: see `queue_time_fallback`.
     */
    jobs_via: z.enum(['rest', 'graphql']).default('rest'),
    /**
     * With `jobs_via: graphql`, where a job's creation time (its queue time) and runner come
     * from: the `workflow_job` webhook deliveries `pitwall serve` stored, and for a run with a
     * job none delivered, its REST job listing (`rest`, default) or nothing (`none`: those jobs
     * have no queue time).
     */
    queue_time_fallback: z.enum(['rest', 'none']).default('rest'),
    /** Repositories collected at once. */
    concurrency: z.number().int().min(1).max(32).default(4),
    /**
     * HMAC key of GitHub webhook deliveries (`pitwall serve`); better set through
     * PITWALL_GITHUB_WEBHOOK_SECRET than in a file.
     */
    webhook_secret: z.string().min(1).nullable().default(null),
    /** Webhook delivery ids are remembered this long, so a replayed delivery writes nothing. */
    webhook_delivery_retention_days: z.number().positive().max(3650).default(30),
  })
  .strict()
  .prefault({});
export type GitHubConfig = z.output<typeof githubSection>;

/** The `github:` section as the registry contributes it, with the secret the environment may set. */
export const githubSettings = configSection('github', githubSection, {
  PITWALL_GITHUB_WEBHOOK_SECRET: 'webhook_secret',
});

// `Config` types the section without config/ importing this file (see PluginSections).
declare module '../../config/schema.js' {
  interface PluginSections {
    github: GitHubConfig;
  }
}
