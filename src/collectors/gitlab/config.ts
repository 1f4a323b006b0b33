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

/** The `gitlab:` section of pitwall.yaml. */
export const gitlabSection = z
  .object({
    /** https://gitlab.com, or the address of a self-managed instance (without /api/v4). */
    base_url: z.string().url().default('https://gitlab.com'),
    /**
     * Environments whose deployments are collected; null: the same pattern as GitHub
     * (`github.deploy_environment_pattern`), so one rule says what is production-like.
     */
    deploy_environment_pattern: regex.nullable().default(null),
    /** Opt-in: releases count as production deployments of their tag's commit. */
    releases_as_deployments: z.boolean().default(false),
    /** Issues of type incident are incidents; so are issues with any of these labels. */
    incident_labels: z.array(z.string().min(1)).default(['incident']),
    /** Merge requests per GraphQL page (GitLab's query complexity limit bounds it). */
    mr_page_size: z.number().int().min(1).max(100).default(50),
    /** Pipelines per GraphQL page, each with its jobs. */
    pipeline_page_size: z.number().int().min(1).max(100).default(20),
    /** Projects collected at once. */
    concurrency: z.number().int().min(1).max(32).default(4),
  })
  .strict()
  .prefault({});
export type GitLabConfig = z.output<typeof gitlabSection>;

/** The `gitlab:` section as the registry contributes it. */
export const gitlabSettings = configSection('gitlab', gitlabSection, {});

// `Config` types the section without config/ importing this file (see PluginSections).
declare module '../../config/schema.js' {
  interface PluginSections {
    gitlab: GitLabConfig;
  }
}
