import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateRecords } from '../../ingest/ingest.js';
import { mapJob, mapRun } from './map-actions.js';
import { mapPr } from './map-prs.js';
import { restJob, restRun } from './rest-schemas.js';
import { prFromRest, restPull, restPullCommit, restReview, restReviewComment } from './rest-prs.js';

/**
 * Real GitHub responses recorded from public repositories (see the fixtures README beside the
 * project). They live outside the project, so a fresh clone skips these tests.
 */
const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures/github-api');
const present = existsSync(DIR);
if (!present) console.warn(`recorded GitHub responses not found at ${DIR}: fixture tests skipped`);

function rows(file: string): { data: unknown; input: string }[] {
  const raw = parse(readFileSync(resolve(DIR, 'devlake-ants', file), 'utf8'), { columns: true }) as {
    data: string;
    input: string;
  }[];
  return raw.map((r) => ({ data: JSON.parse(r.data) as unknown, input: r.input }));
}
const json = (f: string): unknown => JSON.parse(readFileSync(resolve(DIR, f), 'utf8'));
const REPO = 'panjf2000/ants';

function valid(records: unknown[]) {
  const { problems } = validateRecords(records);
  expect(problems).toEqual([]);
}

describe.skipIf(!present)('recorded GitHub Actions responses', () => {
  it('maps every run; re-runs are attempts of one run that start at run_started_at', () => {
    const runs = rows('_raw_github_api_runs.csv').map((r) => restRun.parse(r.data));
    const records = runs.map((r) => mapRun(REPO, r));
    valid(records);
    const rerun = records.find((r) => r.run_id === '2589885628')!;
    expect(rerun.attempt).toBe(2);
    expect(rerun.created_at).toBe('2022-07-01T13:34:14.000Z'); // this attempt's start, not the run's creation
    // Upper-case statuses and conclusions, '' and startup_failure: normalised, never invented.
    const byId = new Map(runs.map((r, i) => [r.id, records[i]!]));
    expect(byId.get(2559400727)!.conclusion).toBe('failure');
    expect(byId.get(2559400728)!.conclusion).toBeNull();
    expect(records.every((r) => r.status === r.status!.toLowerCase())).toBe(true);
  });

  it('maps jobs without created_at (unknown queue, not zero) and steps in +08:00', () => {
    const jobs = rows('_raw_github_api_jobs.csv').map((r) => restJob.parse(r.data));
    expect(jobs.every((j) => j.created_at == null)).toBe(true);
    const records = jobs.map((j) => mapJob(REPO, 'Tests', j));
    valid(records);
    // Left out, as a source that does not know it: a new row stores null, a stored one is kept.
    expect(records.every((r) => r.created_at === undefined)).toBe(true);
    // A job still in progress has no completion, although the payload carries one.
    const running = records.filter((_, i) => jobs[i]!.status === 'in_progress');
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((r) => r.completed_at === null)).toBe(true);
    // Without the job's start, its first step's (written 14:59:13+08:00) is the same instant in UTC.
    const j = jobs.find((x) => x.steps?.[0]?.started_at === '2021-02-18T14:59:13.000+08:00')!;
    expect(mapJob(REPO, 'Tests', { ...j, started_at: null }).started_at).toBe('2021-02-18T06:59:13.000Z');
  });

  it('reads the actions-timeline run and its job with +09:00 step times', () => {
    const run = restRun.parse(json('actions-timeline/workflow.json'));
    const [job] = (json('actions-timeline/workflow_job.json') as unknown[]).map((j) => restJob.parse(j));
    const r = mapRun('Kesin11/actions-timeline', run);
    const mapped = mapJob('Kesin11/actions-timeline', r.workflow, job!);
    valid([r, mapped]);
    expect(mapped.created_at).toBe('2023-08-25T15:57:52.000Z');
    expect(mapped.started_at).toBe('2023-08-25T15:57:59.000Z');
    const fromSteps = mapJob('Kesin11/actions-timeline', 'POC', {
      ...job!,
      started_at: null,
      completed_at: null,
    });
    expect(fromSteps.started_at).toBe('2023-08-25T15:57:58.000Z');
    expect(new Date(fromSteps.completed_at!).getTime()).toBeGreaterThan(
      new Date(fromSteps.started_at!).getTime(),
    );
  });
});

/** Read when a test runs, not when the suite is collected: a skipped suite's body still runs. */
function loadPrs() {
  const pulls = rows('_raw_github_api_pull_requests.csv').map((r) => restPull.parse(r.data));
  const number = (input: string) => (JSON.parse(input || 'null') as { Number?: number } | null)?.Number;
  const reviews = rows('_raw_github_api_pull_request_reviews.csv').map((r) => ({
    n: number(r.input),
    v: restReview.parse(r.data),
  }));
  const comments = rows('_raw_github_api_pull_request_review_comments.csv').map((r) => {
    const d = r.data as { pull_request_url?: string };
    return {
      n: Number(/\/pulls\/(\d+)$/.exec(d.pull_request_url ?? '')?.[1]),
      v: restReviewComment.parse(r.data),
    };
  });
  const commits = rows('_raw_github_api_pull_request_commits.csv').map((r) => ({
    n: number(r.input),
    v: restPullCommit.parse(r.data),
  }));

  const facts = pulls.map((p) =>
    prFromRest(
      p,
      reviews.filter((r) => r.n === p.number).map((r) => r.v),
      comments.filter((c) => c.n === p.number).map((c) => c.v),
      commits.filter((c) => c.n === p.number).map((c) => c.v),
    ),
  );
  return { pulls, commits, facts };
}

describe.skipIf(!present)('recorded GitHub pull request responses', () => {
  let pulls: ReturnType<typeof loadPrs>['pulls'];
  let commits: ReturnType<typeof loadPrs>['commits'];
  let facts: ReturnType<typeof loadPrs>['facts'];
  beforeAll(() => {
    ({ pulls, commits, facts } = loadPrs());
  });

  it('maps every PR with its reviews into valid records; duplicate rows collapse to one PR', () => {
    const records = facts.flatMap((f) => mapPr(REPO, f));
    const { rows: byKind, problems } = validateRecords(records);
    expect(problems).toEqual([]);
    expect(pulls.length).toBe(50);
    expect(byKind.get('pull_request')!.size).toBe(new Set(pulls.map((p) => p.number)).size);
    const reviewed = facts.filter((f) => f.reviews.length > 0);
    expect(reviewed.length).toBeGreaterThan(0);
    for (const f of reviewed) {
      const sent = mapPr(REPO, f).filter((r) => r.kind === 'review');
      const own = f.reviews.filter(
        (r) => r.author?.login !== f.author?.login && r.submittedAt && r.state.toUpperCase() !== 'PENDING',
      );
      expect(sent.length).toBe(own.length);
    }
  });

  it('links squash merges to their PR by the merge commit sha, which is not among the PR commits', () => {
    const mergedPrs = facts.filter((f) => f.mergedAt);
    expect(mergedPrs.length).toBe(27); // rows, PR #4 recorded twice among them
    const prCommits = new Set(commits.map((c) => c.v.sha));
    for (const f of mergedPrs) {
      const pr = mapPr(REPO, f)[0] as { merge_sha: string | null; first_commit_at: string | null };
      expect(pr.merge_sha).toMatch(/^[0-9a-f]{40}$/);
      expect(prCommits.has(pr.merge_sha!)).toBe(false);
    }
    expect(
      mergedPrs.some((f) => (mapPr(REPO, f)[0] as { first_commit_at: string | null }).first_commit_at),
    ).toBe(true);
  });
});
