import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import * as m from './model.js';
import type { PullModel, RepoModel, RunModel, ServerData } from './model.js';

/** Recorded responses live beside the project, never inside it: a fresh clone has none. */
export const FIXTURES_DIR = resolve(
  fileURLToPath(new URL('../..', import.meta.url)),
  '../shared/fixtures/github-api',
);
export const fixturesAvailable = (): boolean => existsSync(join(FIXTURES_DIR, 'devlake-ants'));

const csvRow = z.object({ data: z.string(), url: z.string().default(''), input: z.string().default('') });

/** Rows of a DevLake raw table: `data` is one GitHub API object, `url` the request that fetched it. */
function rawTable<T>(file: string, schema: z.ZodType<T>): { data: T; url: string }[] {
  const text = readFileSync(join(FIXTURES_DIR, 'devlake-ants', file), 'utf8');
  const rows = z.array(csvRow).parse(parse(text, { columns: true, skip_empty_lines: true }));
  return rows.map((r) => ({ data: schema.parse(JSON.parse(r.data)), url: r.url }));
}

/** The number in ".../pulls/41/..." or ".../issues/4". */
const numberIn = (url: string | undefined, what: 'pulls' | 'issues'): number | null => {
  const hit = url ? new RegExp(`/${what}/(\\d+)`).exec(url) : null;
  return hit ? Number(hit[1]) : null;
};

/** A run's `repository` is the short form: the dates and default branch a full one has are filled in. */
function repoFrom(short: unknown, run: m.RestRun | undefined): m.RestRepo {
  const at = { created_at: run?.created_at, updated_at: run?.updated_at, pushed_at: run?.updated_at };
  return m.restRepo.parse({ default_branch: 'master', ...at, ...(typeof short === 'object' ? short : {}) });
}

function emptyRepo(rest: m.RestRepo): RepoModel {
  return {
    rest,
    owner: rest.full_name.split('/')[0]!,
    pulls: [],
    runs: [],
    deployments: [],
    issues: [],
    releases: [],
    tags: [],
    issueComments: new Map(),
  };
}

function runsOf(runs: m.RestRun[], jobs: m.RestJob[]): RunModel[] {
  const byId = new Map<number, RunModel>();
  const get = (id: number) => {
    let r = byId.get(id);
    if (!r) byId.set(id, (r = { id, attempts: [], jobs: [] }));
    return r;
  };
  for (const run of runs) get(run.id).attempts.push(run);
  // Recorded jobs may belong to runs the recording did not keep: their jobs are still served.
  for (const job of jobs) get(job.run_id).jobs.push(job);
  for (const r of byId.values()) r.attempts.sort((x, y) => x.run_attempt - y.run_attempt);
  return [...byId.values()];
}

function loadAnts(): RepoModel {
  const runs = rawTable('_raw_github_api_runs.csv', m.restRun).map((r) => r.data);
  const repo = emptyRepo(repoFrom(runs[0]?.repository, runs[0]));
  repo.runs = runsOf(
    runs,
    rawTable('_raw_github_api_jobs.csv', m.restJob).map((r) => r.data),
  );
  const pulls = new Map<number, PullModel>();
  for (const { data } of rawTable('_raw_github_api_pull_requests.csv', m.restPull))
    pulls.set(data.number, {
      rest: data,
      detail: { additions: 0, deletions: 0, changed_files: 0, comments: 0, review_comments: 0 },
      reviews: [],
      reviewComments: [],
      issueComments: [],
      commits: [],
      timeline: [],
    });
  const pull = (n: number | null) => (n === null ? undefined : pulls.get(n));
  for (const r of rawTable('_raw_github_api_pull_request_reviews.csv', m.restReview))
    pull(numberIn(r.url, 'pulls'))?.reviews.push(r.data);
  for (const r of rawTable('_raw_github_api_pull_request_review_comments.csv', m.restReviewComment))
    pull(numberIn(r.data.pull_request_url, 'pulls'))?.reviewComments.push(r.data);
  for (const r of rawTable('_raw_github_api_pull_request_commits.csv', m.restCommit))
    pull(numberIn(r.url, 'pulls'))?.commits.push(r.data);
  for (const r of rawTable('_raw_github_api_comments.csv', m.restIssueComment)) {
    const n = numberIn(r.data.issue_url, 'issues');
    if (n === null) continue;
    const p = pulls.get(n);
    if (p) p.issueComments.push(r.data);
    else repo.issueComments.set(n, [...(repo.issueComments.get(n) ?? []), r.data]);
  }
  for (const p of pulls.values()) {
    p.detail.comments = p.issueComments.length;
    p.detail.review_comments = p.reviewComments.length;
    if (p.rest.merged_at) p.timeline.push({ type: 'MergedEvent', createdAt: p.rest.merged_at });
    if (p.rest.closed_at) p.timeline.push({ type: 'ClosedEvent', createdAt: p.rest.closed_at });
  }
  repo.pulls = [...pulls.values()].sort((x, y) => x.rest.number - y.rest.number);
  repo.issues = rawTable('_raw_github_api_issues.csv', m.restIssue)
    .map((r) => r.data)
    .filter((i) => i.pull_request === undefined);
  return repo;
}

function loadActionsTimeline(): RepoModel {
  const dir = join(FIXTURES_DIR, 'actions-timeline');
  const run = m.restRun.parse(JSON.parse(readFileSync(join(dir, 'workflow.json'), 'utf8')));
  const jobs = z.array(m.restJob).parse(JSON.parse(readFileSync(join(dir, 'workflow_job.json'), 'utf8')));
  const repo = emptyRepo(repoFrom({ default_branch: 'main', ...(run.repository as object) }, run));
  repo.runs = runsOf([run], jobs);
  return repo;
}

/** panjf2000/ants (DevLake's recording) and Kesin11/actions-timeline, served verbatim. */
export function loadFixtures(): ServerData {
  if (!fixturesAvailable()) throw new Error(`recorded GitHub fixtures not found at ${FIXTURES_DIR}`);
  const data: ServerData = { repos: new Map() };
  for (const repo of [loadAnts(), loadActionsTimeline()])
    data.repos.set(repo.rest.full_name.toLowerCase(), repo);
  return data;
}
