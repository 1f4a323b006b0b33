import { createHash } from 'node:crypto';
import type { Routes } from './http-kit.js';
import { listReply, withRepo } from './http-kit.js';
import type { Json, PullModel, RepoModel, RestUser } from './model.js';

/** GitHub serves at most this many events of a repository (its documented cap). */
export const EVENTS_CAP = 300;

interface Event {
  at: number;
  type: string;
  actor: RestUser | null | undefined;
  payload: Json;
}

/** Event ids are numeric strings on GitHub; a hash of what happened keeps them stable across requests. */
const eventId = (key: string) =>
  String(BigInt(`0x${createHash('sha1').update(key).digest('hex').slice(0, 13)}`) + 20_000_000_000n);

const prRef = (p: PullModel) => ({
  id: p.rest.id,
  number: p.rest.number,
  state: p.rest.state,
  merged: !!p.rest.merged_at,
  head: { ref: p.rest.head.ref, sha: p.rest.head.sha },
  base: { ref: p.rest.base.ref },
});

function pullEvents(p: PullModel, out: Event[]): void {
  const r = p.rest;
  const push = (
    type: string,
    at: string | null | undefined,
    actor: RestUser | null | undefined,
    payload: Json,
  ) => {
    if (at) out.push({ at: Date.parse(at), type, actor, payload });
  };
  push('PullRequestEvent', r.created_at, r.user, {
    action: 'opened',
    number: r.number,
    pull_request: prRef(p),
  });
  for (const c of p.commits)
    push('PushEvent', c.commit.committer?.date ?? c.commit.author?.date, c.author ?? r.user, {
      ref: `refs/heads/${r.head.ref}`,
      head: c.sha,
      size: 1,
      distinct_size: 1,
      commits: [{ sha: c.sha, message: c.commit.message, distinct: true }],
    });
  for (const v of p.reviews)
    push('PullRequestReviewEvent', v.submitted_at, v.user, {
      action: 'created',
      review: { id: v.id, state: v.state.toLowerCase(), submitted_at: v.submitted_at },
      pull_request: prRef(p),
    });
  for (const c of p.issueComments)
    push('IssueCommentEvent', c.created_at, c.user, {
      action: 'created',
      issue: { number: r.number, pull_request: {} },
      comment: { id: c.id },
    });
  if (r.merged_at && r.merge_commit_sha)
    push('PushEvent', r.merged_at, r.user, {
      ref: `refs/heads/${r.base.ref}`,
      head: r.merge_commit_sha,
      size: 1,
      distinct_size: 1,
      commits: [{ sha: r.merge_commit_sha, message: r.title, distinct: true }],
    });
  push('PullRequestEvent', r.closed_at, r.user, {
    action: 'closed',
    number: r.number,
    pull_request: prRef(p),
  });
}

/**
 * The repository's activity as GitHub's Events API shows it, derived from the served model on
 * every request (so editing `data` changes the feed and its ETag). Only the event types the
 * Events API really has: pushes, pull requests, reviews, comments, issues, releases. Workflow
 * runs, re-runs and deployment statuses are not events there (they exist only as webhooks), so
 * a collector must not expect a re-run alone to change this feed. GitHub's 90-day window is
 * not applied: the demo's dates are fixed in the past.
 */
export function repoEvents(repo: RepoModel): Json[] {
  const all: Event[] = [];
  for (const p of repo.pulls) pullEvents(p, all);
  for (const i of repo.issues) {
    all.push({
      at: Date.parse(i.created_at),
      type: 'IssuesEvent',
      actor: i.user,
      payload: { action: 'opened', issue: { id: i.id, number: i.number } },
    });
    if (i.closed_at)
      all.push({
        at: Date.parse(i.closed_at),
        type: 'IssuesEvent',
        actor: i.user,
        payload: { action: 'closed', issue: { id: i.id, number: i.number } },
      });
  }
  for (const rel of repo.releases) {
    const at =
      typeof rel.published_at === 'string'
        ? rel.published_at
        : typeof rel.created_at === 'string'
          ? rel.created_at
          : null;
    if (at)
      all.push({
        at: Date.parse(at),
        type: 'ReleaseEvent',
        actor: null,
        payload: { action: 'published', release: { id: rel.id, tag_name: rel.tag_name } },
      });
  }
  const key = (e: Event) => `${e.type}|${e.at}|${JSON.stringify(e.payload)}`;
  // Newest first; a stable tie-break so equal instants never reorder between requests.
  const sorted = all
    .filter((e) => Number.isFinite(e.at))
    .map((e) => ({ e, k: key(e) }))
    .sort((a, b) => b.e.at - a.e.at || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .slice(0, EVENTS_CAP);
  const [owner] = repo.rest.full_name.split('/');
  return sorted.map(({ e, k }) => ({
    id: eventId(k),
    type: e.type,
    actor: e.actor
      ? {
          id: e.actor.id ?? 0,
          login: e.actor.login,
          display_login: e.actor.login.replace(/\[bot\]$/, ''),
          url: `https://api.github.com/users/${e.actor.login}`,
        }
      : {
          id: 0,
          login: 'github-actions[bot]',
          display_login: 'github-actions',
          url: 'https://api.github.com/users/github-actions%5Bbot%5D',
        },
    repo: {
      id: repo.rest.id,
      name: repo.rest.full_name,
      url: `https://api.github.com/repos/${repo.rest.full_name}`,
    },
    payload: e.payload,
    public: repo.rest.private !== true,
    created_at: new Date(e.at).toISOString().replace(/\.000Z$/, 'Z'),
    org: { login: owner },
  }));
}

export function registerEvents(routes: Routes, deps: { maxPerPage: number }): void {
  routes.get('/repos/{owner}/{repo}/events', (ctx) =>
    withRepo(ctx, (repo) => listReply(repo.events ? repo.events() : repoEvents(repo), ctx, deps.maxPerPage)),
  );
}
