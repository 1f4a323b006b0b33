import type { DemoBuild, PullRecord, ReviewRecord, RunRecord } from './demo-common.js';
import { ms } from './demo-common.js';
import type { PullModel, RestCommit, RestReview, RestReviewComment } from './model.js';

/** Splits a total over n parts, the remainder on the first: the parts sum to the total exactly. */
function split(total: number, n: number): number[] {
  const base = Math.floor(total / n);
  return Array.from({ length: n }, (_, i) => base + (i === 0 ? total - base * n : 0));
}

/**
 * One demo PR as GitHub holds it. The demo does not emit branch commits as records; each PR
 * push is visible as the CI run it triggered (event pull_request, attempt 1), so the PR's
 * commits are those pushes: the first authored at `first_commit_at`, the rest at their push.
 */
export function buildPull(
  b: DemoBuild,
  repo: string,
  pr: PullRecord,
  reviews: ReviewRecord[],
  pushes: RunRecord[],
  reviewIds: Map<number, string>,
): PullModel {
  const author = b.user(pr.author);
  const base = `${b.apiUrl}/repos/${repo}`;
  const branch = pr.author.endsWith('[bot]')
    ? `${pr.author.replace('[bot]', '')}/deps-${pr.number}`
    : `${pr.author}/pr-${pr.number}`;
  const created = b.time(pr.created_at);
  const closed = b.time(pr.closed_at ?? null);
  const sorted = [...pushes].sort((x, y) => ms(x.created_at) - ms(y.created_at));
  const adds = split(pr.additions ?? 0, Math.max(1, sorted.length));
  const dels = split(pr.deletions ?? 0, Math.max(1, sorted.length));
  const commits: RestCommit[] = sorted.map((p, i) => {
    const at = b.time(p.created_at);
    const authored = i === 0 && pr.first_commit_at ? b.time(pr.first_commit_at) : at;
    const who = { name: pr.author, email: b.email(pr.author) };
    return {
      sha: p.sha!,
      node_id: `C_${p.sha!.slice(0, 12)}`,
      url: `${base}/commits/${p.sha}`,
      commit: {
        author: { ...who, date: authored },
        committer: { ...who, date: at },
        message: i === 0 ? (pr.title ?? '') : `Address review on #${pr.number}`,
      },
      author,
      committer: author,
      parents: i === 0 ? [] : [{ sha: sorted[i - 1]!.sha! }],
      stats: { additions: adds[i]!, deletions: dels[i]!, total: adds[i]! + dels[i]! },
      files: Array.from({ length: i === 0 ? (pr.changed_files ?? 0) : 1 }, () => ({})),
    };
  });
  const headAt = (t: number) => [...commits].reverse().find((c) => ms(c.commit.committer!.date) <= t)?.sha;
  const restReviews: RestReview[] = [];
  const reviewComments: RestReviewComment[] = [];
  for (const r of [...reviews].sort((x, y) => ms(x.submitted_at) - ms(y.submitted_at))) {
    const id = b.next('review', 80_000_000);
    reviewIds.set(id, r.review_id);
    const submitted = b.time(r.submitted_at);
    restReviews.push({
      id,
      node_id: `PRR_${id}`,
      user: b.user(r.reviewer),
      body: '',
      state: r.state.toUpperCase(),
      submitted_at: submitted,
      commit_id: headAt(ms(r.submitted_at)) ?? pr.head_sha ?? null,
      pull_request_url: `${base}/pulls/${pr.number}`,
      author_association: 'MEMBER',
    });
    for (let k = 0; k < (r.comments ?? 0); k++) {
      const cid = b.next('review_comment', 90_000_000);
      reviewComments.push({
        id: cid,
        pull_request_review_id: id,
        user: b.user(r.reviewer),
        body: `Nit ${k + 1}`,
        path: `src/file${k + 1}.ts`,
        created_at: submitted,
        updated_at: submitted,
        pull_request_url: `${base}/pulls/${pr.number}`,
      });
    }
  }
  const updated = b.time(pr.updated_at ?? pr.created_at);
  const n = pr.comments ?? 0;
  const span = ms(updated) - ms(created);
  const issueComments = Array.from({ length: n }, (_, k) => {
    const at = b.time(ms(created) + Math.floor(((k + 1) * span) / (n + 1)));
    return {
      id: b.next('issue_comment', 70_000_000),
      user: k % 2 === 0 && reviews[0] ? b.user(reviews[0].reviewer) : author,
      body: `Comment ${k + 1}`,
      created_at: at,
      updated_at: at,
      issue_url: `${base}/issues/${pr.number}`,
    };
  });
  const timeline: PullModel['timeline'] = [];
  const ready = pr.ready_at ? ms(pr.ready_at) : null;
  if (ready !== null && ready > ms(pr.created_at))
    timeline.push({ type: 'ReadyForReviewEvent', createdAt: b.time(ready) });
  if (ready !== null && reviews[0])
    timeline.push({ type: 'ReviewRequestedEvent', createdAt: b.time(ready), reviewer: reviews[0].reviewer });
  if (pr.merged_at) timeline.push({ type: 'MergedEvent', createdAt: b.time(pr.merged_at) });
  if (closed) timeline.push({ type: 'ClosedEvent', createdAt: closed });
  timeline.sort((x, y) => ms(x.createdAt) - ms(y.createdAt));
  return {
    rest: {
      url: `${base}/pulls/${pr.number}`,
      id: b.next('pull', 60_000_000),
      node_id: `PR_${repo}#${pr.number}`,
      html_url: `https://github.com/${repo}/pull/${pr.number}`,
      number: pr.number,
      state: pr.state === 'open' ? 'open' : 'closed',
      locked: false,
      title: pr.title ?? '',
      user: author,
      body: null,
      labels: (pr.labels ?? []).map((name) => ({ name })),
      created_at: created,
      updated_at: updated,
      closed_at: closed,
      merged_at: b.time(pr.merged_at ?? null),
      merge_commit_sha: pr.merge_sha ?? null,
      draft: pr.draft ?? false,
      head: { ref: branch, sha: pr.head_sha ?? commits[commits.length - 1]?.sha ?? '' },
      base: { ref: pr.base_branch ?? 'main' },
      author_association: 'MEMBER',
    },
    detail: {
      additions: pr.additions ?? 0,
      deletions: pr.deletions ?? 0,
      changed_files: pr.changed_files ?? 0,
      comments: n,
      review_comments: reviews.reduce((n, r) => n + (r.comments ?? 0), 0),
    },
    reviews: restReviews,
    reviewComments,
    issueComments,
    commits,
    timeline,
  };
}
