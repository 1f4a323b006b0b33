import type { AnyRecordInput } from '../../domain/records.js';
import { identityOf } from '../git/identity.js';
import { readMessage } from '../git/messages.js';
import type { Actor, PrFacts, ReviewFacts } from './pr-facts.js';
import { at, iso } from './normalize.js';

export interface PrMapRules {
  /** `bots.logins` from config, compared without case. */
  botLogins: readonly string[];
  /** `git.hotfix_patterns`, matched against the title and the head branch. */
  isHotfix: (title: string, branch: string | null) => boolean;
}

export function botRule(logins: readonly string[]): (a: Actor | null) => boolean {
  const listed = new Set(logins.map((l) => l.trim().toLowerCase()));
  return (a) =>
    !!a && (a.isBot || a.login.toLowerCase().endsWith('[bot]') || listed.has(a.login.toLowerCase()));
}

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

/** Reviews that count: submitted, by a person other than the author. */
function humanReviews(pr: PrFacts, isBot: (a: Actor | null) => boolean): ReviewFacts[] {
  return pr.reviews.filter(
    (r) =>
      r.author &&
      !isBot(r.author) &&
      r.author.login !== pr.author?.login &&
      r.submittedAt &&
      reviewState(r.state) !== 'pending',
  );
}

function firstAt(reviews: ReviewFacts[], pred: (r: ReviewFacts) => boolean): string | null {
  const ts = reviews.filter(pred).map((r) => at(r.submittedAt)!.getTime());
  return ts.length ? new Date(Math.min(...ts)).toISOString() : null;
}

/**
 * A pull request, its reviews and the commit that landed it. The landing commit carries the
 * PR number, so a squash merge (one parent, no "Merge pull request" subject) stays linked to
 * its PR; its hotfix flag comes from the PR's title and branch, which a squash subject loses.
 */
export function mapPr(repo: string, pr: PrFacts, rules: PrMapRules): AnyRecordInput[] {
  const isBot = botRule(rules.botLogins);
  const reviews = humanReviews(pr, isBot);
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
      first_review_at: firstAt(reviews, () => true),
      first_approval_at: firstAt(reviews, (r) => reviewState(r.state) === 'approved'),
      merged_at: pr.mergedAt,
      closed_at: pr.closedAt ?? pr.mergedAt,
      additions: pr.additions,
      deletions: pr.deletions,
      changed_files: pr.changedFiles,
      comments: pr.comments,
      review_comments: reviews.reduce((n, r) => n + r.comments, 0),
      labels: pr.labels,
      draft: pr.draft,
      is_bot: isBot(pr.author),
      base_branch: pr.baseBranch,
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
      is_hotfix: rules.isHotfix(pr.title, pr.headBranch) || rules.isHotfix(subject, null),
      reverts_sha: readMessage(subject, body.join('\n'), c.isMerge).revertsSha,
      pr_number: pr.number,
      subject,
    });
  }
  return out;
}

/** People seen on PRs and reviews, so metrics can tell bots from humans. */
export function peopleOf(prs: readonly PrFacts[], botLogins: readonly string[]): Map<string, boolean> {
  const isBot = botRule(botLogins);
  const seen = new Map<string, boolean>();
  for (const pr of prs)
    for (const a of [pr.author, ...pr.reviews.map((r) => r.author)])
      if (a && !seen.has(a.login)) seen.set(a.login, isBot(a));
  return seen;
}
