import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../../../test/helpers/stores.js';
import { configSchema } from '../../plugins.js';
import { ensureFresh } from '../../enrich/index.js';
import { ingest, validateRecords } from '../../ingest/ingest.js';
import { prFromGraphql, pullRequestsResponse } from './graphql-prs.js';
import { mapJob } from './map-actions.js';
import { deploymentFromRun, mapDeployment, mapIncident } from './map-delivery.js';
import { mapPr, peopleOf } from './map-prs.js';
import { restIssue, restJob, restRun } from './rest-schemas.js';

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

describe('pull request mapping', () => {
  const records = mapPr('acme/shop', prFromGraphql(page(node())));
  const pr = records.find((r) => r.kind === 'pull_request')!;
  const commit = records.find((r) => r.kind === 'commit')!;

  it('sends the reviews submitted by others, the texts enrichment reads, and no derived values', () => {
    expect(validateRecords(records).problems).toEqual([]);
    expect(
      records.filter((r) => r.kind === 'review').map((r) => (r as { reviewer: string }).reviewer),
    ).toEqual(['renovate[bot]', 'bob', 'carol']);
    expect(pr).toMatchObject({
      ready_at: '2024-03-04T10:30:00Z',
      first_commit_at: '2024-03-03T17:00:00Z',
      head_branch: 'hotfix/login',
    });
    for (const derived of ['first_review_at', 'first_approval_at', 'review_comments', 'is_bot'])
      expect(pr).not.toHaveProperty(derived);
    expect(commit).toMatchObject({
      sha: 'b'.repeat(40),
      pr_number: 7,
      is_merge: false,
      reverts_sha: 'cccccccc',
    });
    expect(commit).not.toHaveProperty('is_hotfix');
  });
});

/** The values the collector no longer computes, as enrichment derives them in a real store. */
describe.each(ENGINES)('pull request values derived by enrichment on %s', (engine) => {
  let t: TestStore;
  const config = configSchema.parse({
    bots: { logins: ['release-robot'] },
    git: { hotfix_patterns: ['^hotfix\\b', '\\bhotfix[:/(]'] },
  });
  const prRow = async (n: number) =>
    (
      await t.store.query<Record<string, unknown>>(
        'select first_review_at, first_approval_at, review_comments from pull_requests where number = $1',
        [n],
      )
    )[0]!;
  beforeAll(async () => {
    t = await openTestStore(engine);
    const people = [...peopleOf([prFromGraphql(page(node()))])].map(([login, is_bot]) => ({
      kind: 'person' as const,
      login,
      is_bot,
    }));
    await ingest(t.store, [...people, ...mapPr('acme/shop', prFromGraphql(page(node())))]);
    await ensureFresh(t.store, config);
  });
  afterAll(async () => t?.cleanup());

  it('counts reviews by people other than the author; bots and self-reviews are left out', async () => {
    const row = await prRow(7);
    expect(new Date(row.first_review_at as Date).toISOString()).toBe('2024-03-04T11:00:00.000Z');
    expect(new Date(row.first_approval_at as Date).toISOString()).toBe('2024-03-05T08:00:00.000Z');
    expect(Number(row.review_comments)).toBe(4);
  });

  it('flags a squash merge as a hotfix from its PR head branch, which the squash subject lost', async () => {
    const [c] = await t.store.query<{ is_hotfix: boolean }>('select is_hotfix from commits');
    expect(c!.is_hotfix).toBe(true);
  });

  it('marks bot authors: GraphQL Bot (login without [bot]) and configured logins', async () => {
    const bot = prFromGraphql(page(node({ number: 8, author: { __typename: 'Bot', login: 'dependabot' } })));
    const listed = prFromGraphql(
      page(node({ number: 9, author: { __typename: 'User', login: 'release-robot' } })),
    );
    const people = [...peopleOf([bot, listed])].map(([login, is_bot]) => ({
      kind: 'person' as const,
      login,
      is_bot,
    }));
    await ingest(t.store, [...people, ...mapPr('acme/shop', bot), ...mapPr('acme/shop', listed)]);
    await ensureFresh(t.store, config);
    const bots = (await t.store.query<{ login: string }>('select login from bot_logins order by login')).map(
      (r) => r.login,
    );
    expect(bots).toEqual(expect.arrayContaining(['dependabot[bot]', 'release-robot', 'renovate[bot]']));
    expect(bots).not.toContain('ada');
  });

  it('re-derives when the config changes, without collecting again', async () => {
    await ensureFresh(t.store, configSchema.parse({ git: { hotfix_patterns: ['^never$'] } }));
    const [c] = await t.store.query<{ is_hotfix: boolean }>('select is_hotfix from commits');
    expect(c!.is_hotfix).toBe(false);
    const bots = (await t.store.query<{ login: string }>('select login from bot_logins')).map((r) => r.login);
    expect(bots).not.toContain('release-robot');
    expect(bots).toContain('renovate[bot]'); // GitHub said Bot: a source's word, not config
  });

  it('a PR event without reviews (a webhook) clears none of the derived values', async () => {
    const bare = prFromGraphql(
      page(
        node({ reviews: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] } }),
      ),
    );
    await ingest(t.store, mapPr('acme/shop', bare));
    await ensureFresh(t.store, config);
    const row = await prRow(7);
    expect(new Date(row.first_review_at as Date).toISOString()).toBe('2024-03-04T11:00:00.000Z');
    expect(Number(row.review_comments)).toBe(4);
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
