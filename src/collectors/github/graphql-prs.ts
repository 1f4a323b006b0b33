import { z } from 'zod';
import type { PrFacts, ReviewFacts } from './pr-facts.js';

/**
 * One GraphQL request per 100 pull requests, newest update first, with what the per-PR REST
 * approach needs five calls each for: reviews (and their comment counts), the first commit,
 * the landing commit and the ready-for-review event. Names are GitHub's GraphQL v4 schema.
 */
const REVIEW_FIELDS = `totalCount pageInfo { hasNextPage endCursor }
  nodes { databaseId state submittedAt author { __typename login } comments { totalCount } }`;

export const PR_PAGE_SIZE = 100;
export const REVIEWS_PER_PR = 50;

export const PULL_REQUESTS_QUERY = `query PullRequests($owner: String!, $name: String!, $after: String) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    pullRequests(first: ${PR_PAGE_SIZE}, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number title state isDraft createdAt updatedAt mergedAt closedAt
        additions deletions changedFiles baseRefName headRefName headRefOid
        author { __typename login }
        labels(first: 10) { nodes { name } }
        comments { totalCount }
        reviews(first: ${REVIEWS_PER_PR}) { ${REVIEW_FIELDS} }
        commits(first: 1) { totalCount nodes { commit { authoredDate } } }
        timelineItems(first: 10, itemTypes: [READY_FOR_REVIEW_EVENT]) {
          nodes { __typename ... on ReadyForReviewEvent { createdAt } }
        }
        mergeCommit {
          oid message authoredDate committedDate additions deletions changedFilesIfAvailable
          author { name email }
        }
      }
    }
  }
}`;

/** The rest of a PR's reviews, for the rare PR with more than REVIEWS_PER_PR. */
export const MORE_REVIEWS_QUERY = `query MoreReviews($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) { reviews(first: 100, after: $after) { ${REVIEW_FIELDS} } }
  }
}`;

const actor = z.object({ __typename: z.string().optional(), login: z.string() }).nullish();
const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() });
const reviewConn = z.object({
  totalCount: z.number().int(),
  pageInfo,
  nodes: z.array(
    z.object({
      databaseId: z.number().int().nullish(),
      state: z.string(),
      submittedAt: z.string().nullish(),
      author: actor,
      comments: z.object({ totalCount: z.number().int() }),
    }),
  ),
});
const prNode = z.object({
  number: z.number().int(),
  title: z.string(),
  state: z.enum(['OPEN', 'CLOSED', 'MERGED']),
  isDraft: z.boolean().default(false),
  createdAt: z.string(),
  updatedAt: z.string().nullish(),
  mergedAt: z.string().nullish(),
  closedAt: z.string().nullish(),
  additions: z.number().int().default(0),
  deletions: z.number().int().default(0),
  changedFiles: z.number().int().default(0),
  baseRefName: z.string().nullish(),
  headRefName: z.string().nullish(),
  headRefOid: z.string().nullish(),
  author: actor,
  labels: z.object({ nodes: z.array(z.object({ name: z.string() })) }).nullish(),
  comments: z.object({ totalCount: z.number().int() }),
  reviews: reviewConn,
  commits: z.object({
    totalCount: z.number().int(),
    nodes: z.array(z.object({ commit: z.object({ authoredDate: z.string() }) })),
  }),
  timelineItems: z.object({
    nodes: z.array(z.object({ __typename: z.string(), createdAt: z.string().optional() }).nullable()),
  }),
  mergeCommit: z
    .object({
      oid: z.string(),
      message: z.string().default(''),
      authoredDate: z.string(),
      committedDate: z.string(),
      additions: z.number().int().default(0),
      deletions: z.number().int().default(0),
      changedFilesIfAvailable: z.number().int().nullish(),
      author: z.object({ name: z.string().nullish(), email: z.string().nullish() }).nullish(),
    })
    .nullish(),
});
export type PrNode = z.output<typeof prNode>;
export type ReviewConnection = z.output<typeof reviewConn>;

export const pullRequestsResponse = z.object({
  rateLimit: z.object({ cost: z.number(), remaining: z.number() }).nullish(),
  repository: z.object({ pullRequests: z.object({ pageInfo, nodes: z.array(prNode) }) }).nullable(),
});
export const moreReviewsResponse = z.object({
  repository: z.object({ pullRequest: z.object({ reviews: reviewConn }).nullable() }).nullable(),
});

/** GraphQL spells an app's login without the "[bot]" REST, git and the warehouse use. */
function actorOf(a: { __typename?: string | undefined; login: string } | null | undefined) {
  if (!a) return null;
  const isBot = a.__typename === 'Bot';
  return { login: isBot && !a.login.endsWith('[bot]') ? `${a.login}[bot]` : a.login, isBot };
}

export function reviewsOf(conn: ReviewConnection): ReviewFacts[] {
  return conn.nodes.map((r, i) => ({
    id: String(r.databaseId ?? `${i}`),
    author: actorOf(r.author),
    state: r.state,
    submittedAt: r.submittedAt ?? null,
    comments: r.comments.totalCount,
  }));
}

/** GraphQL names → PrFacts. GraphQL logins of apps have no "[bot]": `__typename: Bot` says it. */
export function prFromGraphql(n: PrNode, extraReviews: ReviewFacts[] = []): PrFacts {
  const m = n.mergeCommit;
  return {
    number: n.number,
    title: n.title,
    state: n.state === 'MERGED' ? 'merged' : n.state === 'CLOSED' ? 'closed' : 'open',
    draft: n.isDraft,
    author: actorOf(n.author),
    createdAt: n.createdAt,
    updatedAt: n.updatedAt ?? null,
    readyAt: n.timelineItems.nodes.find((t) => t?.__typename === 'ReadyForReviewEvent')?.createdAt ?? null,
    mergedAt: n.mergedAt ?? null,
    closedAt: n.closedAt ?? null,
    additions: n.additions,
    deletions: n.deletions,
    changedFiles: n.changedFiles,
    comments: n.comments.totalCount,
    labels: n.labels?.nodes.map((l) => l.name) ?? [],
    baseBranch: n.baseRefName ?? null,
    headBranch: n.headRefName ?? null,
    headSha: n.headRefOid ?? null,
    firstCommitAt: n.commits.nodes[0]?.commit.authoredDate ?? null,
    mergeSha: m?.oid ?? null,
    mergeCommit: m
      ? {
          sha: m.oid,
          message: m.message,
          authoredAt: m.authoredDate,
          committedAt: m.committedDate,
          authorName: m.author?.name ?? '',
          authorEmail: m.author?.email ?? '',
          // Parents are not read (one more nested connection per PR): the merge button's subject says it.
          isMerge: /^Merge pull request #\d+/.test(m.message),
          additions: m.additions,
          deletions: m.deletions,
          changedFiles: m.changedFilesIfAvailable ?? 0,
        }
      : null,
    reviews: [...reviewsOf(n.reviews), ...extraReviews],
  };
}
