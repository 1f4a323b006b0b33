import { GraphqlResponseError } from '@octokit/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testOctokit } from './client.js';
import { startGitHubServer, type GitHubServer } from './server.js';

const demoOptions = { developers: 8, days: 14, end: new Date('2024-05-01T00:00:00Z') };
const ms = (v: string | number | Date) => new Date(v).getTime();

const PRS = `query($owner: String!, $name: String!, $after: String, $first: Int!) {
  rateLimit { cost remaining used limit resetAt }
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes {
        number state isDraft createdAt mergedAt closedAt additions deletions
        author { __typename login }
        reviews(first: 20) { totalCount nodes { databaseId state submittedAt author { login } comments { totalCount } } }
        commits(first: 50) { totalCount nodes { commit { oid authoredDate committedDate additions } } }
        timelineItems(first: 10, itemTypes: [READY_FOR_REVIEW_EVENT]) { nodes { __typename ... on ReadyForReviewEvent { createdAt } } }
      }
    }
  }
}`;

interface PrPage {
  rateLimit: { cost: number; remaining: number };
  repository: {
    pullRequests: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: {
        number: number;
        state: string;
        createdAt: string;
        mergedAt: string | null;
        additions: number;
        author: { __typename: string; login: string };
        reviews: { totalCount: number; nodes: { databaseId: number; submittedAt: string }[] };
        commits: { totalCount: number; nodes: { commit: { authoredDate: string; additions: number } }[] };
        timelineItems: { nodes: { createdAt: string }[] };
      }[];
    };
  };
}

describe('GitHub test server: GraphQL', () => {
  let gh: GitHubServer;
  beforeAll(async () => {
    gh = await startGitHubServer({ source: 'demo', demoOptions });
  });
  afterAll(() => gh.stop());

  it('serves workflow runs as check suites and their jobs as check runs, by node id', async () => {
    const { octokit } = testOctokit(gh.url);
    const model = [...gh.data.repos.values()][0]!;
    const rerun = model.runs.find((r) => r.attempts.length > 1)!;
    const single = model.runs.find((r) => r.attempts.length === 1)!;
    const suiteId = (r: typeof rerun) => String(r.attempts.at(-1)!.check_suite_node_id);
    const q = `query($ids: [ID!]!, $type: CheckRunType) {
      rateLimit { cost }
      nodes(ids: $ids) {
        __typename
        ... on CheckSuite {
          workflowRun { runNumber event }
          checkRuns(first: 100, filterBy: { checkType: $type }) {
            totalCount
            nodes { resourcePath name status conclusion startedAt completedAt }
          }
        }
      }
    }`;
    type Res = {
      rateLimit: { cost: number };
      nodes: ({
        __typename: string;
        workflowRun: { runNumber: number };
        checkRuns: {
          totalCount: number;
          nodes: { resourcePath: string; status: string; startedAt: string }[];
        };
      } | null)[];
    };
    const latest = await octokit.graphql<Res>(q, {
      ids: [suiteId(rerun), suiteId(single), 'nope'],
      type: 'LATEST',
    });
    expect(latest.rateLimit.cost).toBe(1);
    expect(latest.nodes[2]).toBeNull();
    const [a, b] = latest.nodes as NonNullable<Res['nodes'][number]>[];
    expect(a!.__typename).toBe('CheckSuite');
    expect(a!.workflowRun.runNumber).toBe(rerun.attempts[0]!.run_number);
    const top = rerun.attempts.length;
    expect(a!.checkRuns.totalCount).toBe(rerun.jobs.filter((j) => j.run_attempt === top).length);
    expect(b!.checkRuns.nodes.map((c) => Number(/\/runs\/(\d+)$/.exec(c.resourcePath)![1]))).toEqual(
      single.jobs.map((j) => j.id),
    );
    expect(b!.checkRuns.nodes.every((c) => c.status === 'COMPLETED')).toBe(true);
    const all = await octokit.graphql<Res>(q, { ids: [suiteId(rerun)], type: 'ALL' });
    expect(all.nodes[0]!.checkRuns.totalCount).toBe(rerun.jobs.length);
  });

  it('paginates PRs with nested reviews and commits that match the demo records', async () => {
    const { octokit } = testOctokit(gh.url);
    for (const { repo } of gh.truth!.records.repos) {
      const [owner, name] = repo.split('/');
      const seen: PrPage['repository']['pullRequests']['nodes'] = [];
      let after: string | null = null;
      do {
        const page: PrPage = await octokit.graphql<PrPage>(PRS, { owner, name, after, first: 15 });
        // 1 + 15 (reviews) + 15 (commits) + 15 (timeline) + 15 x 20 (review comments) = 346 -> 3.
        expect(page.rateLimit.cost).toBe(3);
        seen.push(...page.repository.pullRequests.nodes);
        after = page.repository.pullRequests.pageInfo.hasNextPage
          ? page.repository.pullRequests.pageInfo.endCursor
          : null;
      } while (after);
      const truth = gh.truth!.records.pullRequests.filter((p) => p.repo === repo);
      expect(seen.map((p) => p.number).sort((a, b) => a - b)).toEqual(
        truth.map((p) => p.number).sort((a, b) => a - b),
      );
      for (const p of seen) {
        const t = truth.find((x) => x.number === p.number)!;
        expect(ms(p.createdAt)).toBe(ms(t.created_at));
        expect(p.mergedAt ? ms(p.mergedAt) : null).toBe(t.merged_at ? ms(t.merged_at) : null);
        expect(p.state).toBe(t.state.toUpperCase());
        expect(p.author.__typename).toBe(t.author.endsWith('[bot]') ? 'Bot' : 'User');
        expect(p.commits.nodes.reduce((s, c) => s + c.commit.additions, 0)).toBe(t.additions);
        expect(ms(p.commits.nodes[0]!.commit.authoredDate)).toBe(ms(t.first_commit_at!));
        const reviews = gh.truth!.records.reviews.filter((r) => r.repo === repo && r.pr_number === p.number);
        expect(p.reviews.nodes.map((r) => gh.truth!.reviewIds.get(r.databaseId))).toEqual(
          reviews.map((r) => r.review_id),
        );
        expect(p.reviews.nodes.map((r) => ms(r.submittedAt))).toEqual(reviews.map((r) => ms(r.submitted_at)));
        const ready = p.timelineItems.nodes[0]?.createdAt;
        if (ready) expect(ms(ready)).toBe(ms(t.ready_at!));
      }
    }
  });

  it("rejects first: 101 with GitHub's error, through Octokit too", async () => {
    const query =
      '{ repository(owner: "demo", name: "x") { pullRequests(first: 101) { nodes { number } } } }';
    const res = await fetch(gh.graphqlUrl, {
      method: 'POST',
      headers: { authorization: 'bearer t' },
      body: JSON.stringify({ query }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { errors: { type: string; message: string; path: string[] }[] };
    expect(body.errors[0]).toMatchObject({
      type: 'EXCESSIVE_PAGINATION',
      path: ['repository', 'pullRequests'],
      message:
        'Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records.',
    });
    const { octokit } = testOctokit(gh.url);
    await expect(octokit.graphql(query)).rejects.toBeInstanceOf(GraphqlResponseError);
    const missing = await fetch(gh.graphqlUrl, {
      method: 'POST',
      headers: { authorization: 'bearer t' },
      body: JSON.stringify({
        query: '{ repository(owner: "demo", name: "x") { pullRequests { nodes { number } } } }',
      }),
    });
    expect(((await missing.json()) as { errors: { type: string }[] }).errors[0]!.type).toBe(
      'MISSING_PAGINATION_BOUNDARIES',
    );
  });

  it("charges GitHub's cost and reports it in rateLimit and the graphql headers", async () => {
    const repo = gh.truth!.records.repos[0]!.repo.split('/');
    const query = `{ rateLimit { cost remaining used } repository(owner: "${repo[0]}", name: "${repo[1]}") {
      pullRequests(first: 100) { nodes { reviews(first: 100) { totalCount } commits(first: 100) { totalCount } labels(first: 10) { totalCount } } } } }`;
    const before = gh.stats().points.graphql;
    const res = await fetch(`${gh.url}/api/graphql`, {
      method: 'POST',
      headers: { authorization: 'bearer t' },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data: { rateLimit: { cost: number; remaining: number } } };
    // 1 + 100 + 100 + 100 requests -> 301 / 100 -> 3 points.
    expect(body.data.rateLimit.cost).toBe(3);
    expect(res.headers.get('x-ratelimit-resource')).toBe('graphql');
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBe(body.data.rateLimit.remaining);
    expect(gh.stats().points.graphql - before).toBe(3);
  });

  it("lists the organisation's repositories with their default branch", async () => {
    const { octokit } = testOctokit(gh.url);
    const r = await octokit.graphql<{
      organization: {
        repositories: {
          totalCount: number;
          nodes: { nameWithOwner: string; defaultBranchRef: { name: string } }[];
        };
      };
    }>(
      '{ organization(login: "demo") { repositories(first: 100) { totalCount nodes { nameWithOwner defaultBranchRef { name } } } } }',
    );
    expect(r.organization.repositories.nodes.map((n) => n.nameWithOwner).sort()).toEqual(
      gh.truth!.records.repos.map((x) => x.repo).sort(),
    );
    expect(r.organization.repositories.nodes.every((n) => n.defaultBranchRef.name === 'main')).toBe(true);
  });

  it('answers an exhausted GraphQL limit with RATE_LIMITED', async () => {
    const small = await startGitHubServer({
      source: 'demo',
      demoOptions: { developers: 2, days: 2, end: demoOptions.end },
      rateLimit: { graphql: 1 },
    });
    try {
      const post = () =>
        fetch(small.graphqlUrl, {
          method: 'POST',
          headers: { authorization: 'bearer t' },
          body: JSON.stringify({ query: '{ viewer { login } }' }),
        });
      expect(((await (await post()).json()) as { data: unknown }).data).toEqual({
        viewer: { login: 'pitwall-test' },
      });
      const limited = await post();
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(((await limited.json()) as { errors: { type: string }[] }).errors[0]!.type).toBe('RATE_LIMITED');
    } finally {
      await small.stop();
    }
  });
});
