/*
 * The GitLab test server's in-memory model: GitLab's REST objects (snake_case, as the API and
 * the recorded fixtures have them). GraphQL views are derived from them on each request.
 */
export type Json = Record<string, unknown>;

export interface UserModel {
  id: number;
  username: string;
  name: string;
  bot?: boolean;
}

export interface NoteModel {
  id: number;
  type: 'DiffNote' | 'DiscussionNote' | null;
  system: boolean;
  body: string;
  author: UserModel;
  created_at: string;
  position?: { new_path: string } | null;
}

export interface MergeRequestModel {
  id: number;
  iid: number;
  title: string;
  state: 'opened' | 'closed' | 'merged' | 'locked';
  draft: boolean;
  created_at: string;
  updated_at: string;
  merged_at: string | null;
  closed_at: string | null;
  source_branch: string;
  target_branch: string;
  sha: string | null;
  merge_commit_sha: string | null;
  squash_commit_sha: string | null;
  author: UserModel;
  labels: string[];
  stats: { additions: number; deletions: number; file_count: number };
  notes: NoteModel[];
  commits: { id: string; authored_date: string; committed_date: string; title: string }[];
  /** Users who approved, for the REST approvals endpoint (the baseline). */
  approved_by: UserModel[];
}

export interface JobModel {
  id: number;
  name: string;
  stage: string;
  status: string;
  /** GitLab's REST objects say `bridge` only on the bridges endpoint; kept here to serve both. */
  kind: 'BUILD' | 'BRIDGE';
  created_at: string;
  queued_duration: number | null;
  started_at: string | null;
  finished_at: string | null;
  retried: boolean;
  allow_failure: boolean;
  /** What `needs:` lists in .gitlab-ci.yml (GraphQL only: REST jobs do not carry it). */
  needs: string[];
  runner: { description: string } | null;
  downstream_pipeline: { id: number; project_path: string } | null;
  raw?: Json;
}

export interface PipelineModel {
  id: number;
  iid: number;
  sha: string | null;
  ref: string | null;
  source: string | null;
  status: string;
  name: string | null;
  created_at: string;
  updated_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  user: UserModel | null;
  merge_request_iid: number | null;
  upstream_id: number | null;
  jobs: JobModel[];
}

export interface CommitModel {
  id: string;
  parent_ids: string[];
  title: string;
  message: string;
  author_name: string;
  author_email: string;
  authored_date: string;
  committed_date: string;
  stats: { additions: number; deletions: number; total: number };
}

export interface ProjectModel {
  id: number;
  path_with_namespace: string;
  default_branch: string;
  archived: boolean;
  last_activity_at: string;
  mergeRequests: MergeRequestModel[];
  pipelines: PipelineModel[];
  /** The default branch's first-parent history, newest first. */
  commits: CommitModel[];
  deployments: Json[];
  issues: Json[];
  releases: Json[];
}

export interface ServerData {
  /** Projects by lower-cased full path. */
  projects: Map<string, ProjectModel>;
}

/** A project by its URL-encoded path or numeric id, as GitLab's `:id` accepts both. */
export function projectOf(data: ServerData, id: string): ProjectModel | undefined {
  const key = decodeURIComponent(id).toLowerCase();
  const hit = data.projects.get(key);
  if (hit) return hit;
  for (const p of data.projects.values()) if (String(p.id) === key) return p;
  return undefined;
}
