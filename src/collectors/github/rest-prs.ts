import { z } from 'zod';
import type { PrFacts } from './pr-facts.js';

/**
 * REST v3 pull requests with their reviews, review comments and commits → PrFacts. The
 * collector reads GraphQL; this adapter reads the recorded REST responses and serves the
 * per-PR REST baseline the benchmark compares against.
 */
const user = z.object({ login: z.string(), type: z.string().optional() }).nullish();

export const restPull = z.object({
  number: z.number().int(),
  title: z.string().default(''),
  state: z.string(),
  draft: z.boolean().nullish(),
  user,
  created_at: z.string(),
  updated_at: z.string().nullish(),
  closed_at: z.string().nullish(),
  merged_at: z.string().nullish(),
  merge_commit_sha: z.string().nullish(),
  additions: z.number().int().optional(),
  deletions: z.number().int().optional(),
  changed_files: z.number().int().optional(),
  comments: z.number().int().optional(),
  labels: z.array(z.object({ name: z.string() })).default([]),
  base: z.object({ ref: z.string() }).nullish(),
  head: z.object({ ref: z.string(), sha: z.string() }).nullish(),
});
export type RestPull = z.output<typeof restPull>;

export const restReview = z.object({
  id: z.number().int(),
  user,
  state: z.string(),
  submitted_at: z.string().nullish(),
});
export type RestReview = z.output<typeof restReview>;

export const restReviewComment = z.object({
  id: z.number().int(),
  pull_request_review_id: z.number().int().nullish(),
});
export type RestReviewComment = z.output<typeof restReviewComment>;

export const restPullCommit = z.object({
  sha: z.string(),
  commit: z.object({
    author: z.object({ name: z.string().nullish(), email: z.string().nullish(), date: z.string() }).nullish(),
    committer: z.object({ date: z.string() }).nullish(),
    message: z.string().default(''),
  }),
  parents: z.array(z.object({ sha: z.string() })).default([]),
});
export type RestPullCommit = z.output<typeof restPullCommit>;

const isBotUser = (u: RestPull['user']) => !!u && u.type === 'Bot';

export function prFromRest(
  pr: RestPull,
  reviews: readonly RestReview[],
  reviewComments: readonly RestReviewComment[],
  commits: readonly RestPullCommit[],
): PrFacts {
  const perReview = new Map<number, number>();
  for (const c of reviewComments)
    if (c.pull_request_review_id != null)
      perReview.set(c.pull_request_review_id, (perReview.get(c.pull_request_review_id) ?? 0) + 1);
  const authored = commits
    .map((c) => c.commit.author?.date)
    .filter((d): d is string => !!d)
    .sort();
  return {
    number: pr.number,
    title: pr.title,
    state: pr.merged_at ? 'merged' : pr.state.toLowerCase() === 'closed' ? 'closed' : 'open',
    draft: pr.draft ?? false,
    author: pr.user ? { login: pr.user.login, isBot: isBotUser(pr.user) } : null,
    createdAt: pr.created_at,
    updatedAt: pr.updated_at ?? null,
    // REST PRs carry no ready-for-review time; the timeline would (one more call per PR).
    readyAt: null,
    mergedAt: pr.merged_at ?? null,
    closedAt: pr.closed_at ?? null,
    additions: pr.additions ?? 0,
    deletions: pr.deletions ?? 0,
    changedFiles: pr.changed_files ?? 0,
    comments: pr.comments ?? 0,
    labels: pr.labels.map((l) => l.name),
    baseBranch: pr.base?.ref ?? null,
    headBranch: pr.head?.ref ?? null,
    headSha: pr.head?.sha ?? null,
    firstCommitAt: authored[0] ?? null,
    // A squash commit is not among the PR's commits; the PR keeps its sha (merge_sha) and the
    // git collector links the commit itself by its "(#N)" subject.
    mergeSha: pr.merge_commit_sha ?? null,
    mergeCommit: null,
    reviews: reviews.map((r) => ({
      id: String(r.id),
      author: r.user ? { login: r.user.login, isBot: isBotUser(r.user) } : null,
      state: r.state,
      submittedAt: r.submitted_at ?? null,
      comments: perReview.get(r.id) ?? 0,
    })),
  };
}
