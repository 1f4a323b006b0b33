import { describe, expect, it } from 'vitest';
import { validateRecords } from '../../ingest/ingest.js';
import { hotfixMatcher } from '../git/messages.js';
import { prFromGraphql, pullRequestsResponse } from './graphql-prs.js';
import { mapJob } from './map-actions.js';
import { deploymentFromRun, mapDeployment, mapIncident } from './map-delivery.js';
import { mapPr } from './map-prs.js';
import { restIssue, restJob, restRun } from './rest-schemas.js';

const RULES = { botLogins: ['release-robot'], isHotfix: hotfixMatcher(['^hotfix\\b', '\\bhotfix[:/(]']) };
const review = (id: number, login: string, state: string, at: string, typename = 'User') => ({
  databaseId: id,
  state,
  submittedAt: at,
  author: { __typename: typename, login },
  comments: { totalCount: 2 },
});
const node = (over: Record<string, unknown> = {}) => ({
  number: 7,
  title: 'Fix login',
  state: 'MERGED',
  isDraft: false,
  createdAt: '2024-03-04T09:00:00Z',
  updatedAt: '2024-03-05T12:00:00Z',
  mergedAt: '2024-03-05T12:00:00Z',
  closedAt: '2024-03-05T12:00:00Z',
  additions: 10,
  deletions: 2,
  changedFiles: 3,
  baseRefName: 'main',
  headRefName: 'hotfix/login',
  headRefOid: 'a'.repeat(40),
  author: { __typename: 'User', login: 'ada' },
  labels: { nodes: [{ name: 'bug' }] },
  comments: { totalCount: 1 },
  reviews: {
    totalCount: 4,
    pageInfo: { hasNextPage: false, endCursor: null },
    nodes: [
      review(1, 'ada', 'COMMENTED', '2024-03-04T09:30:00Z'), // the author's own: not a review
      review(2, 'renovate', 'APPROVED', '2024-03-04T10:00:00Z', 'Bot'),
      review(3, 'bob', 'COMMENTED', '2024-03-04T11:00:00Z'),
      review(4, 'carol', 'APPROVED', '2024-03-05T08:00:00Z'),
    ],
  },
  commits: { totalCount: 2, nodes: [{ commit: { authoredDate: '2024-03-03T17:00:00Z' } }] },
  timelineItems: { nodes: [{ __typename: 'ReadyForReviewEvent', createdAt: '2024-03-04T10:30:00Z' }] },
  mergeCommit: {
    oid: 'b'.repeat(40),
    message: 'Fix login (#7)\n\nThis reverts commit cccccccc.',
    authoredDate: '2024-03-05T12:00:00Z',
    committedDate: '2024-03-05T12:00:00Z',
    additions: 10,
    deletions: 2,
    changedFilesIfAvailable: 3,
    author: { name: 'Ada', email: 'Ada@Example.com' },
  },
  ...over,
});
const page = (n: unknown) =>
  pullRequestsResponse.parse({
    rateLimit: { cost: 1, remaining: 4999 },
    repository: { pullRequests: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [n] } },
  }).repository!.pullRequests.nodes[0]!;

describe('pull request rules', () => {
  const records = mapPr('acme/shop', prFromGraphql(page(node())), RULES);
  const pr = records.find((r) => r.kind === 'pull_request')!;
  const commit = records.find((r) => r.kind === 'commit')!;

  it('counts reviews by people other than the author; bots and self-reviews are left out', () => {
    expect(validateRecords(records).problems).toEqual([]);
    expect(
      records.filter((r) => r.kind === 'review').map((r) => (r as { reviewer: string }).reviewer),
    ).toEqual(['bob', 'carol']);
    expect(pr).toMatchObject({
      first_review_at: '2024-03-04T11:00:00.000Z',
      first_approval_at: '2024-03-05T08:00:00.000Z',
      ready_at: '2024-03-04T10:30:00Z',
      first_commit_at: '2024-03-03T17:00:00Z',
      review_comments: 4,
      is_bot: false,
    });
  });

  it('links a squash merge to its PR, with revert and hotfix flags', () => {
    expect(commit).toMatchObject({
      sha: 'b'.repeat(40),
      pr_number: 7,
      is_merge: false,
      is_hotfix: true, // from the head branch hotfix/login, which the squash subject lost
      reverts_sha: 'cccccccc',
      author: 'ada@example.com',
    });
  });

  it('marks bot authors: GraphQL Bot (login without [bot]) and configured logins', () => {
    const bot = mapPr(
      'acme/shop',
      prFromGraphql(page(node({ author: { __typename: 'Bot', login: 'dependabot' } }))),
      RULES,
    )[0]!;
    expect(bot).toMatchObject({ author: 'dependabot[bot]', is_bot: true });
    const listed = mapPr(
      'acme/shop',
      prFromGraphql(page(node({ author: { __typename: 'User', login: 'release-robot' } }))),
      RULES,
    )[0]!;
    expect(listed).toMatchObject({ is_bot: true });
  });
});

describe('Actions rules', () => {
  it('never gives a job a negative queue: skipped jobs never started, skewed clocks are clamped', () => {
    const job = (conclusion: string) =>
      mapJob(
        'acme/shop',
        'CI',
        restJob.parse({
          id: 1,
          run_id: 2,
          run_attempt: 1,
          name: 'deploy (prod)',
          status: 'completed',
          conclusion,
          created_at: '2024-03-04T10:00:05Z',
          started_at: '2024-03-04T10:00:00Z',
          completed_at: '2024-03-04T10:00:00Z',
        }),
      );
    expect(job('skipped')).toMatchObject({ started_at: null, completed_at: null, stage: 'deploy' });
    const skewed = job('success');
    expect(skewed.created_at).toBe(skewed.started_at);
  });

  it('turns a deploy workflow run into a deployment of its head sha', () => {
    const run = restRun.parse({
      id: 9,
      name: 'Deploy production',
      head_sha: 'e'.repeat(40),
      run_attempt: 1,
      status: 'completed',
      conclusion: 'failure',
      created_at: '2024-03-04T10:00:00Z',
      run_started_at: '2024-03-04T10:00:00Z',
      updated_at: '2024-03-04T10:05:00Z',
    });
    const [d] = deploymentFromRun(
      { repo: 'acme/shop', settings: { deployWorkflowEnvironment: 'production' } },
      run,
      [],
      (n) => /deploy/i.test(n),
    );
    expect(d).toMatchObject({
      service: 'shop',
      environment: 'production',
      status: 'failure',
      finished_at: '2024-03-04T10:05:00Z',
    });
  });
});

describe('delivery rules', () => {
  it('maps a deployment by its final status; inactive (superseded) stays a success', () => {
    const dep = {
      id: 5,
      sha: 'f'.repeat(40),
      environment: 'production',
      created_at: '2024-03-04T10:00:00Z',
      creator: null,
    };
    const st = (id: number, state: string, at: string) => ({ id, state, created_at: at });
    expect(
      mapDeployment('acme/shop', dep, [
        st(3, 'inactive', '2024-03-06T00:00:00Z'),
        st(2, 'success', '2024-03-04T10:04:00Z'),
        st(1, 'in_progress', '2024-03-04T10:01:00Z'),
      ]),
    ).toMatchObject({
      status: 'success',
      finished_at: '2024-03-04T10:04:00Z',
    });
    expect(mapDeployment('acme/shop', dep, [st(1, 'error', '2024-03-04T10:02:00Z')]).status).toBe('failure');
    expect(mapDeployment('acme/shop', dep, [st(1, 'in_progress', '2024-03-04T10:02:00Z')])).toMatchObject({
      status: 'in_progress',
      finished_at: null,
    });
  });

  it('maps an incident issue with its severity label; open issues are unresolved', () => {
    const i = restIssue.parse({
      number: 3,
      title: 'Checkout down',
      state: 'open',
      created_at: '2024-03-04T10:00:00Z',
      closed_at: null,
      labels: [{ name: 'incident' }, { name: 'sev2' }],
    });
    expect(mapIncident('acme/shop', i)).toMatchObject({
      id: 'github:acme/shop#3',
      service: 'shop',
      severity: 'sev2',
      resolved_at: null,
    });
  });
});
