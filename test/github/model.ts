import { z } from 'zod';

/*
 * The server's in-memory model is GitHub's own REST objects. Recorded fixtures arrive as raw
 * JSON, so these schemas are the trust boundary: loose objects keep every recorded field (the
 * server serves them verbatim) while typing the few the server reads to filter, sort and
 * derive GraphQL views.
 */
const when = z.string();
const optWhen = z.string().nullish();

export const restUser = z.looseObject({
  login: z.string(),
  id: z.number().optional(),
  type: z.string().optional(),
});
export type RestUser = z.infer<typeof restUser>;

export const restLabel = z.looseObject({ name: z.string() });

export const restRepo = z.looseObject({
  id: z.number(),
  name: z.string(),
  full_name: z.string(),
  default_branch: z.string().default('main'),
  created_at: when,
  updated_at: when,
  pushed_at: optWhen,
});

export const restPull = z.looseObject({
  id: z.number(),
  number: z.number(),
  title: z.string(),
  state: z.enum(['open', 'closed']),
  draft: z.boolean().optional(),
  user: restUser.nullable(),
  created_at: when,
  updated_at: when,
  closed_at: optWhen,
  merged_at: optWhen,
  merge_commit_sha: z.string().nullish(),
  head: z.looseObject({ ref: z.string(), sha: z.string() }),
  base: z.looseObject({ ref: z.string() }),
  labels: z.array(restLabel).default([]),
});

export const restReview = z.looseObject({
  id: z.number(),
  user: restUser.nullable(),
  state: z.string(),
  submitted_at: optWhen,
  commit_id: z.string().nullish(),
});

export const restReviewComment = z.looseObject({
  id: z.number(),
  pull_request_review_id: z.number().nullish(),
  user: restUser.nullable(),
  created_at: when,
  pull_request_url: z.string().optional(),
});

export const restIssueComment = z.looseObject({
  id: z.number(),
  user: restUser.nullable(),
  created_at: when,
  issue_url: z.string().optional(),
});

const gitActor = z.looseObject({ name: z.string().nullish(), email: z.string().nullish(), date: when });
export const restCommit = z.looseObject({
  sha: z.string(),
  commit: z.looseObject({ author: gitActor.nullable(), committer: gitActor.nullable(), message: z.string() }),
  author: restUser.nullish(),
  stats: z.looseObject({ additions: z.number(), deletions: z.number() }).optional(),
  files: z.array(z.unknown()).optional(),
});

export const restRun = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  run_number: z.number(),
  run_attempt: z.number().default(1),
  event: z.string(),
  status: z.string().nullish(),
  conclusion: z.string().nullish(),
  head_branch: z.string().nullish(),
  head_sha: z.string(),
  created_at: when,
  updated_at: when,
  actor: restUser.nullish(),
});

export const restJob = z.looseObject({
  id: z.number(),
  run_id: z.number(),
  run_attempt: z.number().default(1),
  name: z.string(),
  created_at: z.string().optional(),
  started_at: optWhen,
  completed_at: optWhen,
});

export const restIssue = z.looseObject({
  id: z.number(),
  number: z.number(),
  title: z.string(),
  state: z.enum(['open', 'closed']),
  labels: z.array(z.union([restLabel, z.string()])).default([]),
  user: restUser.nullable(),
  created_at: when,
  updated_at: when,
  closed_at: optWhen,
  pull_request: z.unknown().optional(),
});

export const restDeployment = z.looseObject({
  id: z.number(),
  sha: z.string(),
  ref: z.string(),
  task: z.string(),
  environment: z.string(),
  created_at: when,
});

export type RestRepo = z.infer<typeof restRepo>;
export type RestPull = z.infer<typeof restPull>;
export type RestReview = z.infer<typeof restReview>;
export type RestReviewComment = z.infer<typeof restReviewComment>;
export type RestIssueComment = z.infer<typeof restIssueComment>;
export type RestCommit = z.infer<typeof restCommit>;
export type RestRun = z.infer<typeof restRun>;
export type RestJob = z.infer<typeof restJob>;
export type RestIssue = z.infer<typeof restIssue>;
export type RestDeployment = z.infer<typeof restDeployment>;
export type Json = Record<string, unknown>;

/** A pull request and everything hanging off it; `detail` holds what only `GET /pulls/{n}` shows. */
export interface PullModel {
  rest: RestPull;
  detail: {
    additions: number;
    deletions: number;
    changed_files: number;
    comments: number;
    review_comments: number;
  };
  reviews: RestReview[];
  reviewComments: RestReviewComment[];
  issueComments: RestIssueComment[];
  commits: RestCommit[];
  /** Timeline events the GraphQL `timelineItems` connection serves. */
  timeline: { type: TimelineType; createdAt: string; reviewer?: string }[];
}

export type TimelineType =
  'ReadyForReviewEvent' | 'ConvertToDraftEvent' | 'ReviewRequestedEvent' | 'MergedEvent' | 'ClosedEvent';

/** One workflow run: every attempt's own view (GitHub serves each at /attempts/{n}) and its jobs. */
export interface RunModel {
  id: number;
  attempts: RestRun[];
  jobs: RestJob[];
}

export interface DeploymentModel {
  rest: RestDeployment;
  /** Newest first, as GitHub lists them. */
  statuses: Json[];
}

export interface RepoModel {
  rest: RestRepo;
  owner: string;
  pulls: PullModel[];
  runs: RunModel[];
  deployments: DeploymentModel[];
  /** Issues that are not pull requests (pull requests are listed from `pulls`). */
  issues: RestIssue[];
  /** Comments on those issues, by issue number (a pull request's are on its PullModel). */
  issueComments: Map<number, RestIssueComment[]>;
  releases: Json[];
  tags: Json[];
  /** The Events API feed, when a source computes it itself (else derived from the lists above). */
  events?: () => Json[];
}

export interface ServerData {
  /** Organisations (or users) and their repositories, by `owner/name`. */
  repos: Map<string, RepoModel>;
}

export function repoOf(data: ServerData, owner: string, name: string): RepoModel | undefined {
  return data.repos.get(`${owner}/${name}`.toLowerCase());
}

const pullIndex = new WeakMap<PullModel[], Map<number, PullModel>>();
const runIndex = new WeakMap<RunModel[], Map<number, RunModel>>();

/** Lookup by key without a scan per request (the benchmark org has thousands per repo). */
function indexed<T>(
  cache: WeakMap<T[], Map<number, T>>,
  list: T[],
  key: (t: T) => number,
  k: number,
): T | undefined {
  let m = cache.get(list);
  // A test that appends to the model gets a fresh index.
  if (!m || m.size !== list.length) cache.set(list, (m = new Map(list.map((t) => [key(t), t]))));
  return m.get(k);
}

export const findPull = (repo: RepoModel, n: number) =>
  indexed(pullIndex, repo.pulls, (p) => p.rest.number, n);
export const findRun = (repo: RepoModel, id: number) => indexed(runIndex, repo.runs, (r) => r.id, id);
