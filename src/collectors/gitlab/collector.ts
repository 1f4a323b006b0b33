import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import { instant } from '../../domain/time.js';
import { invalidArgument } from '../../errors/errors.js';
import type { FanOutCollector } from '../collector.js';
import { createGitLabClient, type GitLabClient } from './client.js';
import { collectProject, projectSource, type GitLabProjectTarget } from './collect-project.js';
import { gitlabSettings } from './config.js';
import { listGroupProjects } from './group-projects.js';
import type { GitLabSettings } from './streams.js';

/** One run's options: `pitwall collect gitlab` flags, or a `collectors:` job's `options:`. */
const options = z
  .object({
    /** Every non-archived project of this group and its subgroups, unless `projects` names some. */
    group: z.string().trim().min(1).optional(),
    /** group/project paths, or project names with `group`. */
    projects: z.array(z.string().min(1)).default([]),
    /** On a first run, only data from this instant on. */
    since: instant.optional(),
    /** Instead of gitlab.base_url for this run. */
    base_url: z.string().min(1).optional(),
    /** A file holding a token, instead of GITLAB_TOKEN; relative to the working directory. */
    token_file: z.string().min(1).optional(),
  })
  .strict()
  .refine((o) => o.group !== undefined || o.projects.length > 0, {
    path: ['group'],
    message: 'required: a group (--group, or group:), or projects as group/name (--project, or projects:)',
  });

/** A prepared run: the projects to read (or the group to list), the client and the settings. */
export interface GitLabRun {
  group: string | null;
  projects: string[];
  client: GitLabClient;
  settings: GitLabSettings;
  concurrency: number;
}

export function gitlabSettingsFrom(cfg: Config, since: Date | null): GitLabSettings {
  const g = cfg.gitlab;
  return {
    deployEnvironmentPattern: g.deploy_environment_pattern ?? cfg.github.deploy_environment_pattern,
    releasesAsDeployments: g.releases_as_deployments,
    releaseEnvironment: cfg.github.deploy_workflow_environment,
    incidentLabels: g.incident_labels,
    since,
    mrPageSize: g.mr_page_size,
    pipelinePageSize: g.pipeline_page_size,
  };
}

const PATH = /^[\w.-]+(?:\/[\w.-]+)*$/;

function projectPaths(group: string | null, projects: readonly string[]): string[] {
  return projects.map((p) => {
    const v = p.trim().replace(/^\/+|\/+$/g, '');
    if (!PATH.test(v))
      throw invalidArgument(`--project ${JSON.stringify(p)} is not a project path: use group/name`);
    if (v.includes('/')) return v;
    if (!group) throw invalidArgument(`--project ${p}: give it as group/name, or pass --group`);
    return `${group}/${v}`;
  });
}

/** A personal, project or group access token: all are sent the same way (PRIVATE-TOKEN). */
function tokenOf(env: Readonly<Record<string, string | undefined>>, cwd: string, file?: string): string {
  if (file) {
    let raw: string;
    try {
      raw = readFileSync(resolve(cwd, file), 'utf8');
    } catch {
      throw invalidArgument(`--token-file ${file}: cannot read it`);
    }
    const t = raw.trim();
    if (!t) throw invalidArgument(`--token-file ${file} is empty`);
    return t;
  }
  const t = env.GITLAB_TOKEN?.trim();
  if (!t)
    throw invalidArgument(
      'GITLAB_TOKEN is not set: create a personal, project or group access token with read_api and export it (or pass --token-file)',
    );
  return t;
}

export const gitlabCollector = {
  id: 'gitlab',
  description:
    'merge requests, approvals and notes, landing commits, pipelines and jobs, deployments, releases and incidents from GitLab',
  configSchema: options,
  settings: gitlabSettings,
  async prepare(o, ctx) {
    const group = o.group?.replace(/^\/+|\/+$/g, '') ?? null;
    if (group !== null && !PATH.test(group))
      throw invalidArgument(`--group ${JSON.stringify(o.group)} is not a group path`);
    const projects = projectPaths(group, o.projects);
    const baseUrl = o.base_url ?? ctx.config.gitlab.base_url;
    if (!/^https?:\/\/\S+$/.test(baseUrl))
      throw invalidArgument(`--base-url ${JSON.stringify(baseUrl)} is not an http(s) URL`);
    const client = createGitLabClient({
      baseUrl,
      token: tokenOf(ctx.env, ctx.cwd, o.token_file),
      logger: ctx.logger,
      retryAfterBaseMs: Number(ctx.env.PITWALL_GITLAB_RETRY_BASE_MS ?? '') || undefined,
    });
    return {
      sourceId: group && projects.length === 0 ? `gitlab-group:${group}` : `gitlab:${projects.join(',')}`,
      target: {
        group,
        projects,
        client,
        settings: gitlabSettingsFrom(ctx.config, o.since ?? null),
        concurrency: ctx.config.gitlab.concurrency,
      },
    };
  },
  async split(run) {
    const facts = () => ({
      requests: run.client.stats.requests,
      graphql: run.client.stats.graphql,
      rest: run.client.stats.rest,
      retried: run.client.stats.retried,
    });
    const source = (p: { path: string; default_branch: string | null }) =>
      projectSource(p.path, p.default_branch, run.client, run.settings);
    if (run.projects.length || !run.group)
      return {
        sources: run.projects.map((path) => source({ path, default_branch: null })),
        concurrency: run.concurrency,
        facts,
      };
    const listed = await listGroupProjects(run.client, run.group);
    return { sources: listed.map(source), concurrency: run.concurrency, facts };
  },
  collect: collectProject,
} satisfies FanOutCollector<typeof options, GitLabRun, GitLabProjectTarget>;
