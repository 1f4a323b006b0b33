import type { AnyRecordInput } from '../../domain/records.js';
import { identityOf } from '../git/identity.js';
import { readMessage } from '../git/messages.js';
import { looksLikeBot } from '../../domain/rules.js';
import type { Actor, PrFacts, ReviewFacts } from './pr-facts.js';
import { at, iso } from './normalize.js';

/** What GitHub itself says of an actor; `bots.logins` is applied in enrichment. */
const isBotActor = (a: Actor | null) => !!a && (a.isBot || looksLikeBot(a.login));

const REVIEW_STATES = {
  APPROVED: 'approved',
  CHANGES_REQUESTED: 'changes_requested',
  COMMENTED: 'commented',
  DISMISSED: 'dismissed',
  PENDING: 'pending',
} as const;

function reviewState(s: string): (typeof REVIEW_STATES)[keyof typeof REVIEW_STATES] | null {
  return REVIEW_STATES[s.toUpperCase() as keyof typeof REVIEW_STATES] ?? null;
}

/** Reviews as submitted by someone other than the author (pending ones are drafts, not reviews). */
function submittedReviews(pr: PrFacts): ReviewFacts[] {
  return pr.reviews.filter(
    (r) =>
      r.author && r.author.login !== pr.author?.login && r.submittedAt && reviewState(r.state) !== 'pending',
  );
}

/**
 * A pull request, its reviews and the commit that landed it. The landing commit carries the
 * PR number, so a squash merge (one parent, no "Merge pull request" subject) stays linked to
 * its PR (enrichment reads the PR's title and branch for its hotfix flag, which a squash
 * subject loses). First review and approval are derived from the reviews, never sent.
 */
export function mapPr(repo: string, pr: PrFacts): AnyRecordInput[] {
  const reviews = submittedReviews(pr);
  const out: AnyRecordInput[] = [
    {
      kind: 'pull_request',
      repo,
      number: pr.number,
      author: pr.author?.login ?? 'ghost',
      title: pr.title,
      state: pr.state,
      created_at: pr.createdAt,
      ready_at: pr.readyAt,
      first_commit_at: pr.firstCommitAt,
      merged_at: pr.mergedAt,
      closed_at: pr.closedAt ?? pr.mergedAt,
      additions: pr.additions,
      deletions: pr.deletions,
      changed_files: pr.changedFiles,
      comments: pr.comments,
      labels: pr.labels,
      draft: pr.draft,
      base_branch: pr.baseBranch,
      head_branch: pr.headBranch,
      head_sha: pr.headSha,
      merge_sha: pr.mergedAt ? pr.mergeSha : null,
      updated_at: pr.updatedAt,
    },
  ];
  for (const r of reviews)
    out.push({
      kind: 'review',
      repo,
      pr_number: pr.number,
      review_id: r.id,
      reviewer: r.author!.login,
      state: reviewState(r.state)!,
      submitted_at: r.submittedAt!,
      comments: r.comments,
    });
  const c = pr.mergedAt ? pr.mergeCommit : null;
  if (c) {
    const [subject = '', ...body] = c.message.split('\n');
    out.push({
      kind: 'commit',
      repo,
      sha: c.sha,
      author: identityOf(c.authorName, c.authorEmail),
      author_email: c.authorEmail || null,
      authored_at: iso(at(c.authoredAt))!,
      committed_at: iso(at(c.committedAt))!,
      additions: c.additions,
      deletions: c.deletions,
      files: c.changedFiles,
      is_merge: c.isMerge,
      reverts_sha: readMessage(subject, body.join('\n'), c.isMerge).revertsSha,
      pr_number: pr.number,
      subject,
    });
  }
  return out;
}

/** People seen on PRs and reviews, with what GitHub says of them, so bots can be told from humans. */
export function peopleOf(prs: readonly PrFacts[]): Map<string, boolean> {
  const isBot = isBotActor;
  const seen = new Map<string, boolean>();
  for (const pr of prs)
    for (const a of [pr.author, ...pr.reviews.map((r) => r.author)])
      if (a && !seen.has(a.login)) seen.set(a.login, isBot(a));
  return seen;
}
