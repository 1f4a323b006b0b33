import type { EnrichStep } from '../step.js';

/** Reviews that count: submitted (not pending), by someone other than the author, not a bot. */
const counted = `r.repo = pull_requests.repo and r.pr_number = pull_requests.number and r.state <> 'pending'
  and r.reviewer <> pull_requests.author and not exists (select 1 from bot_logins b where b.login = r.reviewer)`;

/**
 * A pull request's first review, first approval and review comments, from its reviews. Derived
 * here rather than sent with the PR, so a PR event that carries no reviews (a webhook, the
 * ingest API) never clears them, and a new bot in `bots.logins` re-derives them.
 */
export const reviewFacts = {
  id: 'review-facts',
  description: "pull requests' first review, first approval and review comments, from reviews by people",
  reads: ['reviews', 'pull_requests', 'bot_logins'],
  writes: [
    'pull_requests.first_review_at',
    'pull_requests.first_approval_at',
    'pull_requests.review_comments',
  ],
  async run({ store }) {
    await store.query(`update pull_requests set
      first_review_at = (select min(r.submitted_at) from reviews r where ${counted}),
      first_approval_at = (select min(r.submitted_at) from reviews r where ${counted} and r.state = 'approved'),
      review_comments = coalesce((select sum(r.comments) from reviews r where ${counted}), 0)`);
    const [row] = await store.query<{ n: number }>(
      'select count(*) as n from pull_requests where first_review_at is not null',
    );
    return Number(row?.n ?? 0);
  },
} satisfies EnrichStep;
