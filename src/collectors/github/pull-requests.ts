import type { AnyRecordInput } from '../../domain/records.js';
import {
  MORE_REVIEWS_QUERY,
  PULL_REQUESTS_QUERY,
  moreReviewsResponse,
  prFromGraphql,
  pullRequestsResponse,
  reviewsOf,
  type PrNode,
} from './graphql-prs.js';
import { mapPr, peopleOf } from './map-prs.js';
import type { ReviewFacts } from './pr-facts.js';
import type { PrFacts } from './pr-facts.js';
import { maxIso, type Batches, type RepoContext } from './repo-context.js';

function invalid(what: string, issues: { path: PropertyKey[]; message: string }[]): Error {
  const i = issues[0]!;
  return new Error(`unexpected GitHub GraphQL ${what}: ${i.path.join('.')}: ${i.message}`);
}

async function remainingReviews(ctx: RepoContext, n: PrNode): Promise<ReviewFacts[]> {
  const out: ReviewFacts[] = [];
  let after = n.reviews.pageInfo.endCursor ?? null;
  let more = n.reviews.pageInfo.hasNextPage;
  while (more) {
    const raw = await ctx.octokit.graphql(MORE_REVIEWS_QUERY, {
      owner: ctx.owner,
      name: ctx.name,
      number: n.number,
      after,
    });
    const parsed = moreReviewsResponse.safeParse(raw);
    if (!parsed.success) throw invalid('reviews page', parsed.error.issues);
    const conn = parsed.data.repository?.pullRequest?.reviews;
    if (!conn) break;
    out.push(...reviewsOf(conn));
    after = conn.pageInfo.endCursor ?? null;
    more = conn.pageInfo.hasNextPage;
  }
  return out;
}

/**
 * Pull requests, newest update first, 100 a page; stops at the first PR not updated since the
 * cursor (a PR updated exactly then is read again: harmless, ingest is idempotent).
 */
export async function* pullRequests(ctx: RepoContext, knownPeople: Set<string>): Batches {
  const since = ctx.previous.prs_updated_at ?? ctx.settings.since?.toISOString() ?? null;
  const sinceMs = since ? new Date(since).getTime() : -Infinity;
  let after: string | null = null;
  for (;;) {
    const raw: unknown = await ctx.octokit.graphql(PULL_REQUESTS_QUERY, {
      owner: ctx.owner,
      name: ctx.name,
      after,
    });
    const parsed = pullRequestsResponse.safeParse(raw);
    if (!parsed.success) throw invalid('pull requests page', parsed.error.issues);
    const conn = parsed.data.repository?.pullRequests;
    if (!conn) throw new Error(`repository ${ctx.repo} not found`);
    const fresh = conn.nodes.filter((n) => new Date(n.updatedAt ?? n.createdAt).getTime() >= sinceMs);
    const facts: PrFacts[] = [];
    for (const n of fresh)
      facts.push(prFromGraphql(n, n.reviews.pageInfo.hasNextPage ? await remainingReviews(ctx, n) : []));
    const batch: AnyRecordInput[] = [];
    for (const [login, isBot] of peopleOf(facts))
      if (!knownPeople.has(login)) {
        knownPeople.add(login);
        batch.push({ kind: 'person', login, is_bot: isBot });
      }
    for (const f of facts) {
      batch.push(...mapPr(ctx.repo, f));
      ctx.next.prs_updated_at = maxIso(ctx.next.prs_updated_at, f.updatedAt ?? f.createdAt);
    }
    if (batch.length) yield batch;
    if (fresh.length < conn.nodes.length || !conn.pageInfo.hasNextPage) return;
    after = conn.pageInfo.endCursor ?? null;
  }
}
