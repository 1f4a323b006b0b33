import { z } from 'zod';

/**
 * The parts of GitHub's REST v3 responses the collector reads, validated where they enter.
 * Unknown fields are dropped; optional ones are optional because older GitHub Enterprise
 * Server versions (and GitHub itself before 2022) omit them, e.g. a job's `created_at`.
 */
const str = z.string();
const optStr = z.string().nullish();
const login = z.object({ login: z.string(), type: z.string().optional() }).nullish();

export const restRun = z.object({
  id: z.number().int(),
  name: optStr,
  workflow_id: z.number().int().optional(),
  path: optStr,
  head_branch: optStr,
  head_sha: optStr,
  run_number: z.number().int().optional(),
  run_attempt: z.number().int().min(1).optional(),
  event: optStr,
  status: optStr,
  conclusion: optStr,
  created_at: str,
  updated_at: optStr,
  run_started_at: optStr,
  actor: login,
  pull_requests: z.array(z.object({ number: z.number().int() })).nullish(),
  /** The run's check suite: its jobs are the suite's check runs (GraphQL reads them in bulk). */
  check_suite_node_id: optStr,
});
export type RestRun = z.output<typeof restRun>;
export const restRunList = z.object({
  total_count: z.number().int().optional(),
  workflow_runs: z.array(restRun),
});

export const restStep = z.object({
  name: str,
  number: z.number().int().optional(),
  status: optStr,
  conclusion: optStr,
  started_at: optStr,
  completed_at: optStr,
});

export const restJob = z.object({
  id: z.number().int(),
  run_id: z.number().int(),
  run_attempt: z.number().int().min(1).optional(),
  workflow_name: optStr,
  name: str,
  status: optStr,
  conclusion: optStr,
  created_at: optStr,
  started_at: optStr,
  completed_at: optStr,
  runner_name: optStr,
  labels: z.array(z.string()).nullish(),
  steps: z.array(restStep).nullish(),
});
export type RestJob = z.output<typeof restJob>;
export const restJobList = z.object({ total_count: z.number().int().optional(), jobs: z.array(restJob) });

export const restDeployment = z.object({
  id: z.number().int(),
  sha: str,
  ref: optStr,
  environment: str,
  created_at: str,
  updated_at: optStr,
  creator: login,
});
export type RestDeployment = z.output<typeof restDeployment>;

export const restDeploymentStatus = z.object({
  id: z.number().int(),
  state: str,
  created_at: str,
});
export type RestDeploymentStatus = z.output<typeof restDeploymentStatus>;

export const restIssue = z.object({
  number: z.number().int(),
  title: z.string().default(''),
  state: str,
  created_at: str,
  closed_at: optStr,
  updated_at: optStr,
  user: login,
  labels: z.array(z.union([z.string(), z.object({ name: z.string() })])).default([]),
  pull_request: z.unknown().optional(),
});
export type RestIssue = z.output<typeof restIssue>;

export const restRelease = z.object({
  id: z.number().int(),
  tag_name: str,
  target_commitish: optStr,
  draft: z.boolean().default(false),
  prerelease: z.boolean().default(false),
  created_at: str,
  published_at: optStr,
});
export type RestRelease = z.output<typeof restRelease>;

export const restRef = z.object({ object: z.object({ sha: str }) });
