import type { PullModel, RepoModel, RestCommit, RestUser } from './model.js';

/*
 * GraphQL views over the REST model, in graphql-js's root-value style: a field with arguments
 * is a function of them, the rest are plain values; `__typename` resolves interfaces and unions.
 */

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

const cursorOf = (i: number) => Buffer.from(`cursor:v2:${i}`).toString('base64');
function offsetOf(cursor: string | null | undefined): number | null {
  if (!cursor) return null;
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!m) throw new Error(`\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(m[1]);
}

/** A Relay connection over a list; cursors are positions in it (the data does not move under a test). */
export function connection<T>(items: readonly T[], args: PageArgs) {
  const after = offsetOf(args.after);
  const before = offsetOf(args.before);
  let start = after === null ? 0 : after + 1;
  let end = before === null ? items.length : Math.min(before, items.length);
  if (typeof args.first === 'number') end = Math.min(end, start + args.first);
  if (typeof args.last === 'number') start = Math.max(start, end - args.last);
  const nodes = items.slice(start, end);
  const edges = nodes.map((node, i) => ({ cursor: cursorOf(start + i), node }));
  return {
    totalCount: items.length,
    nodes,
    edges,
    pageInfo: {
      hasNextPage: end < (before === null ? items.length : before),
      hasPreviousPage: start > (after === null ? 0 : after + 1),
      startCursor: nodes.length ? cursorOf(start) : null,
      endCursor: nodes.length ? cursorOf(end - 1) : null,
    },
  };
}

/** GraphQL names an app by its slug: REST's "dependabot[bot]" is the Bot "dependabot". */
export function actor(u: RestUser | null | undefined) {
  if (!u) return null;
  const bot = u.type === 'Bot';
  const login = bot ? u.login.replace(/\[bot\]$/, '') : u.login;
  return {
    __typename: bot ? 'Bot' : 'User',
    login,
    id: `U_${u.id ?? login}`,
    databaseId: u.id ?? null,
    avatarUrl: `https://avatars.githubusercontent.com/u/${u.id ?? 0}`,
    url: `https://github.com/${bot ? `apps/${login}` : login}`,
    email: '',
    name: null,
  };
}

function user(u: RestUser | null | undefined) {
  const a = actor(u);
  return a && a.__typename === 'User' ? a : null;
}

export function commitView(c: RestCommit) {
  const git = (g: RestCommit['commit']['author'], who: RestUser | null | undefined) =>
    g ? { name: g.name ?? null, email: g.email ?? null, date: g.date, user: user(who) } : null;
  return {
    id: `C_${c.sha}`,
    oid: c.sha,
    message: c.commit.message,
    messageHeadline: c.commit.message.split('\n')[0] ?? '',
    authoredDate: c.commit.author?.date ?? c.commit.committer?.date,
    committedDate: c.commit.committer?.date ?? c.commit.author?.date,
    additions: c.stats?.additions ?? 0,
    deletions: c.stats?.deletions ?? 0,
    changedFilesIfAvailable: c.files ? c.files.length : null,
    author: git(c.commit.author, c.author),
    committer: git(c.commit.committer, c.author),
  };
}

const TIMELINE_ENUM = {
  ReadyForReviewEvent: 'READY_FOR_REVIEW_EVENT',
  ConvertToDraftEvent: 'CONVERT_TO_DRAFT_EVENT',
  ReviewRequestedEvent: 'REVIEW_REQUESTED_EVENT',
  MergedEvent: 'MERGED_EVENT',
  ClosedEvent: 'CLOSED_EVENT',
} as const;

export function prState(p: PullModel): 'OPEN' | 'CLOSED' | 'MERGED' {
  return p.rest.merged_at ? 'MERGED' : p.rest.state === 'closed' ? 'CLOSED' : 'OPEN';
}

export function pullView(repo: RepoModel, p: PullModel) {
  const r = p.rest;
  const reviewComments = (reviewId: number) =>
    p.reviewComments.filter((c) => c.pull_request_review_id === reviewId);
  const commentView = (c: PullModel['reviewComments'][number]) => ({
    id: `PRRC_${c.id}`,
    databaseId: c.id,
    author: actor(c.user),
    body: typeof c.body === 'string' ? c.body : '',
    createdAt: c.created_at,
    path: typeof c.path === 'string' ? c.path : '',
  });
  // A thread starts at a comment that replies to none; replies join their thread.
  const threads = p.reviewComments
    .filter((c) => typeof c.in_reply_to_id !== 'number')
    .map((root) => ({
      id: `PRRT_${root.id}`,
      isResolved: false,
      comments: (a: PageArgs) =>
        connection(
          [root, ...p.reviewComments.filter((c) => c.in_reply_to_id === root.id)].map(commentView),
          a,
        ),
    }));
  const merged = !!r.merged_at;
  return {
    id: typeof r.node_id === 'string' ? r.node_id : `PR_${r.id}`,
    databaseId: r.id,
    number: r.number,
    title: r.title,
    body: typeof r.body === 'string' ? r.body : '',
    state: prState(p),
    isDraft: r.draft ?? false,
    url:
      typeof r.html_url === 'string'
        ? r.html_url
        : `https://github.com/${repo.rest.full_name}/pull/${r.number}`,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    mergedAt: r.merged_at ?? null,
    closedAt: r.closed_at ?? null,
    publishedAt: r.created_at,
    merged,
    closed: r.state === 'closed',
    additions: p.detail.additions,
    deletions: p.detail.deletions,
    changedFiles: p.detail.changed_files,
    author: actor(r.user),
    baseRefName: r.base.ref,
    headRefName: r.head.ref,
    headRefOid: r.head.sha,
    mergeCommit:
      merged && r.merge_commit_sha
        ? commitView({
            sha: r.merge_commit_sha,
            commit: { author: null, committer: { date: r.merged_at! }, message: r.title },
          })
        : null,
    labels: (a: PageArgs) =>
      connection(
        r.labels.map((l) => ({ name: l.name, color: typeof l.color === 'string' ? l.color : 'ededed' })),
        a,
      ),
    comments: (a: PageArgs) =>
      connection(
        p.issueComments.map((c) => ({
          id: `IC_${c.id}`,
          databaseId: c.id,
          author: actor(c.user),
          body: typeof c.body === 'string' ? c.body : '',
          createdAt: c.created_at,
        })),
        a,
      ),
    reviews: (a: PageArgs & { states?: string[] | null; author?: string | null }) =>
      connection(
        p.reviews
          .filter(
            (v) => (!a.states || a.states.includes(v.state)) && (!a.author || v.user?.login === a.author),
          )
          .map((v) => ({
            id: typeof v.node_id === 'string' ? v.node_id : `PRR_${v.id}`,
            databaseId: v.id,
            author: actor(v.user),
            state: v.state,
            body: typeof v.body === 'string' ? v.body : '',
            submittedAt: v.submitted_at ?? null,
            createdAt: v.submitted_at ?? r.created_at,
            commit: v.commit_id
              ? {
                  ...commitView({ sha: v.commit_id, commit: { author: null, committer: null, message: '' } }),
                }
              : null,
            comments: (ca: PageArgs) => connection(reviewComments(v.id).map(commentView), ca),
          })),
        a,
      ),
    commits: (a: PageArgs) =>
      connection(
        p.commits.map((c) => ({ id: `PRC_${c.sha}`, commit: commitView(c) })),
        a,
      ),
    timelineItems: (a: PageArgs & { itemTypes?: string[] | null; since?: string | null }) => {
      const items = p.timeline
        .filter(
          (t) =>
            (!a.itemTypes || a.itemTypes.includes(TIMELINE_ENUM[t.type])) &&
            (!a.since || Date.parse(t.createdAt) >= Date.parse(a.since)),
        )
        .map((t, i) => ({
          __typename: t.type,
          id: `TE_${r.id}_${i}`,
          actor: null,
          createdAt: t.createdAt,
          requestedReviewer: t.reviewer
            ? actor({ login: t.reviewer, type: t.reviewer.endsWith('[bot]') ? 'Bot' : 'User' })
            : null,
        }));
      return { ...connection(items, a), filteredCount: items.length };
    },
    reviewThreads: (a: PageArgs) => connection(threads, a),
  };
}
