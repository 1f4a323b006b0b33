import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../../../test/helpers/stores.js';
import { configSchema } from '../../plugins.js';
import { ensureFresh } from '../../enrich/index.js';
import { ingest } from '../../ingest/ingest.js';
import { githubDefinitions } from './github.js';
import { registryFor } from './index.js';

const WEEK = { from: new Date('2024-03-04T00:00:00Z'), to: new Date('2024-03-11T00:00:00Z') };
const R = 'acme/shop';
const S1 = '1'.repeat(40);
const S2 = '2'.repeat(40);
const pr = (number: number, author: string, created: string, over: Record<string, unknown> = {}) => ({
  kind: 'pull_request' as const,
  repo: R,
  number,
  author,
  state: 'open' as const,
  created_at: created,
  ...over,
});
const review = (n: number, id: string, reviewer: string, state: 'approved' | 'commented', at: string) => ({
  kind: 'review' as const,
  repo: R,
  pr_number: n,
  review_id: id,
  reviewer,
  state,
  submitted_at: at,
});
const run = (id: string, attempt: number, created: string, minutes: number, conclusion: string) => ({
  kind: 'pipeline_run' as const,
  repo: R,
  run_id: id,
  attempt,
  workflow: 'CI',
  created_at: created,
  completed_at: new Date(Date.parse(created) + minutes * 60_000).toISOString(),
  conclusion,
});
const job = (
  id: string,
  runId: string,
  name: string,
  created: string,
  queueS: number,
  minutes: number,
  conclusion: string,
) => {
  const started = Date.parse(created) + queueS * 1000;
  return {
    kind: 'pipeline_job' as const,
    repo: R,
    job_id: id,
    run_id: runId,
    workflow: 'CI',
    name,
    stage: name.replace(/ \(.*\)$/, ''),
    created_at: created,
    started_at: new Date(started).toISOString(),
    completed_at: new Date(started + minutes * 60_000).toISOString(),
    conclusion,
  };
};

/** A week with known answers: 4 human PRs and a bot's, 4 reviews, 3 runs (one re-run), 4 jobs. */
const RECORDS = [
  { kind: 'repo', repo: R, team: 'shop' },
  { kind: 'person', login: 'ada', team: 'core' },
  { kind: 'person', login: 'dependabot[bot]', is_bot: true },
  pr(1, 'ada', '2024-03-04T00:00:00Z', {
    state: 'merged',
    merged_at: '2024-03-04T10:00:00Z',
    closed_at: '2024-03-04T10:00:00Z',
    additions: 100,
    deletions: 20,
    changed_files: 5,
    merge_sha: S1,
    title: 'Fix checkout',
  }),
  pr(2, 'bob', '2024-03-05T00:00:00Z', {
    state: 'merged',
    merged_at: '2024-03-06T00:00:00Z',
    closed_at: '2024-03-06T00:00:00Z',
    additions: 10,
    deletions: 5,
    changed_files: 2,
    merge_sha: S2,
    title: 'Revert "Fix checkout"',
  }),
  pr(3, 'carol', '2024-03-06T00:00:00Z', { state: 'closed', closed_at: '2024-03-07T00:00:00Z' }),
  pr(4, 'dependabot[bot]', '2024-03-06T00:00:00Z', {
    state: 'merged',
    merged_at: '2024-03-06T01:00:00Z',
    additions: 999,
  }),
  pr(5, 'ada', '2024-03-07T00:00:00Z'),
  {
    kind: 'commit',
    repo: R,
    sha: S1,
    author: 'ada@example.com',
    authored_at: '2024-03-04T10:00:00Z',
    committed_at: '2024-03-04T10:00:00Z',
    subject: 'hotfix: checkout (#1)', // a hotfix by git.hotfix_patterns, derived by enrichment
    pr_number: 1,
  },
  {
    kind: 'commit',
    repo: R,
    sha: S2,
    author: 'bob@example.com',
    authored_at: '2024-03-06T00:00:00Z',
    committed_at: '2024-03-06T00:00:00Z',
    pr_number: 2,
  },
  review(1, 'r1', 'carol', 'commented', '2024-03-04T02:00:00Z'),
  review(1, 'r2', 'bob', 'approved', '2024-03-04T04:00:00Z'),
  review(2, 'r3', 'carol', 'commented', '2024-03-05T06:00:00Z'),
  review(2, 'r4', 'ada', 'approved', '2024-03-05T12:00:00Z'),
  run('1', 1, '2024-03-04T10:00:00Z', 10, 'success'),
  run('2', 1, '2024-03-05T10:00:00Z', 20, 'failure'),
  run('2', 2, '2024-03-05T11:00:00Z', 30, 'success'),
  run('3', 1, '2024-03-06T10:00:00Z', 40, 'failure'),
  job('j1', '1', 'test (a)', '2024-03-04T10:00:00Z', 10, 5, 'success'),
  job('j2', '2', 'test (b)', '2024-03-05T10:00:00Z', 30, 10, 'failure'),
  job('j3', '3', 'build', '2024-03-06T10:00:00Z', 60, 20, 'failure'),
  {
    kind: 'pipeline_job',
    repo: R,
    job_id: 'j4',
    run_id: '3',
    workflow: 'CI',
    name: 'deploy',
    created_at: '2024-03-06T10:30:00Z',
    conclusion: 'skipped',
  },
];

const expected: Record<string, number> = {
  'github.prs.opened': 4,
  'github.prs.cycle_time_p90_hours': 10 + 0.9 * 14,
  'github.prs.time_to_first_approval_hours': 8,
  'github.prs.abandoned_rate': 1 / 3,
  'github.reviews.per_pr': 2,
  'github.reviews.count': 4,
  'github.code.lines_added': 110,
  'github.code.lines_deleted': 25,
  'github.code.files_changed': 7,
  'github.code.reverts': 1,
  'github.code.hotfixes': 1,
  'github.code.revert_rate': 0.5,
  'github.developers.active': 3,
  'github.ci.duration_p50_minutes': 25,
  'github.ci.duration_p90_minutes': 37,
  'github.ci.duration_p99_minutes': 39.7,
  'github.ci.failure_rate': 1 / 3,
  'github.ci.rerun_rate': 1 / 3,
  'github.ci.runs': 3,
  'github.ci.queue_p50_seconds': 30,
  'github.ci.queue_p95_seconds': 57,
  'github.ci.job_duration_p50_minutes': 10,
  'github.ci.job_duration_p90_minutes': 18,
  'github.ci.job_failure_rate': 2 / 3,
};

describe.each(ENGINES)('github.* metrics on %s', (engine) => {
  let t: TestStore;
  const registry = registryFor(configSchema.parse({}));
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(t.store, RECORDS);
    await ensureFresh(t.store, configSchema.parse({}));
  });
  afterAll(async () => t?.cleanup());

  it('has a tested value for every metric of github.ts, and the catalog has at least 25 github.* metrics', () => {
    expect(githubDefinitions.map((d) => d.name).sort()).toEqual(Object.keys(expected).sort());
    const all = registry.list().filter((d) => d.name.startsWith('github.'));
    expect(all.length).toBeGreaterThanOrEqual(25);
    for (const d of all) expect(d.why.length * d.action.length * d.description.length).toBeGreaterThan(0);
  });

  it.each(Object.entries(expected))('%s over the week', async (name, value) => {
    const rows = await registry.compute(t.store, name, WEEK);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.value).toBeCloseTo(value, 9);
  });

  it('groups CI by workflow and job (stage: matrix legs are one job)', async () => {
    const byJob = await registry.compute(t.store, 'github.ci.job_failure_rate', { ...WEEK, by: 'job' });
    expect(Object.fromEntries(byJob.map((r) => [r.group, r.value]))).toEqual({ build: 1, test: 0.5 });
    const byTeam = await registry.compute(t.store, 'github.code.lines_added', { ...WEEK, by: 'team' });
    expect(Object.fromEntries(byTeam.map((r) => [r.group, r.value]))).toEqual({ core: 100, shop: 10 });
  });
});
