import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type {
  JobModel,
  Json,
  MergeRequestModel,
  NoteModel,
  PipelineModel,
  ProjectModel,
  ServerData,
  UserModel,
} from './model.js';

/** Recorded responses live beside the project, never inside it: a fresh clone has none. */
export const FIXTURES_DIR = resolve(
  fileURLToPath(new URL('../..', import.meta.url)),
  '../shared/fixtures/gitlab-api/devlake-gitlab',
);
export const fixturesAvailable = (): boolean =>
  existsSync(join(FIXTURES_DIR, '_raw_gitlab_api_merge_requests.csv'));

/** The group the recorded projects are served in: `devlake/p<ProjectId>`. */
export const FIXTURE_GROUP = 'devlake';

const csvRow = z.object({
  data: z.string(),
  params: z.string().default('{}'),
  input: z.string().default(''),
});

/** Rows of a DevLake raw table: `data` is one GitLab API object; `params` names its project. */
function rawTable(file: string): { data: Json; project: number; input: Json | null }[] {
  const text = readFileSync(join(FIXTURES_DIR, file), 'utf8');
  const rows = z.array(csvRow).parse(parse(text, { columns: true, skip_empty_lines: true }));
  return rows.map((r) => ({
    data: JSON.parse(r.data) as Json,
    project: Number((JSON.parse(r.params) as { ProjectId?: number }).ProjectId ?? 0),
    input: r.input && r.input !== 'null' ? (JSON.parse(r.input) as Json) : null,
  }));
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);
const num = (v: unknown) => (typeof v === 'number' ? v : null);
function userOf(v: unknown): UserModel {
  const u = (v ?? {}) as Json;
  return {
    id: num(u.id) ?? 0,
    username: str(u.username) ?? 'ghost',
    name: str(u.name) ?? '',
    bot: u.bot === true,
  };
}

/**
 * The recorded responses as a GitLab instance would hold them. Each table keeps GitLab's REST
 * objects verbatim (REST routes serve them as recorded); the GraphQL views read the same
 * objects, so the quirks of real data (jobs that never started, no `queued_duration` on older
 * servers, a bridge job, deployment statuses such as `blocked`) reach the collector.
 */
export function loadGitLabFixtures(): ServerData {
  const projects = new Map<number, ProjectModel>();
  const project = (id: number): ProjectModel => {
    let p = projects.get(id);
    if (!p)
      projects.set(
        id,
        (p = {
          id,
          path_with_namespace: `${FIXTURE_GROUP}/p${id}`,
          default_branch: 'master',
          archived: false,
          last_activity_at: '2024-01-01T00:00:00Z',
          mergeRequests: [],
          pipelines: [],
          commits: [],
          deployments: [],
          issues: [],
          releases: [],
        }),
      );
    return p;
  };
  const notes = new Map<string, NoteModel[]>();
  for (const r of rawTable('_raw_gitlab_api_merge_request_notes.csv')) {
    const d = r.data;
    const key = `${r.project}!${num(d.noteable_iid)}`;
    const list = notes.get(key) ?? [];
    list.push({
      id: num(d.id)!,
      type: (str(d.type) as NoteModel['type']) ?? null,
      system: d.system === true,
      body: str(d.body) ?? '',
      author: userOf(d.author),
      created_at: str(d.created_at)!,
      position:
        d.type === 'DiffNote' ? { new_path: str((d.position as Json | undefined)?.new_path) ?? '' } : null,
    });
    notes.set(key, list);
  }
  const commits = new Map<string, MergeRequestModel['commits']>();
  for (const r of rawTable('_raw_gitlab_api_merge_request_commits.csv')) {
    const key = `${r.project}!${num(r.input?.Iid)}`;
    const d = r.data;
    commits.set(key, [
      ...(commits.get(key) ?? []),
      {
        id: str(d.id)!,
        authored_date: str(d.authored_date)!,
        committed_date: str(d.committed_date)!,
        title: str(d.title) ?? '',
      },
    ]);
  }
  // Three recordings of the same project's merge requests (DevLake's notes and commits tests
  // recorded their own); each merge request once, the main table's copy first.
  const seen = new Set<string>();
  const mrRows = [
    ...rawTable('_raw_gitlab_api_merge_requests.csv'),
    ...rawTable('_raw_gitlab_api_merge_requests_for_mr_notes_test.csv'),
    ...rawTable('_raw_gitlab_api_merge_requests_for_mr_commit_test.csv'),
  ];
  for (const r of mrRows) {
    const d = r.data;
    const iid = num(d.iid)!;
    const key = `${r.project}!${iid}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const own = (notes.get(key) ?? []).sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
    project(r.project).mergeRequests.push({
      id: num(d.id)!,
      iid,
      title: str(d.title) ?? '',
      state: str(d.state) as MergeRequestModel['state'],
      draft: d.draft === true || d.work_in_progress === true,
      created_at: str(d.created_at)!,
      updated_at: str(d.updated_at)!,
      merged_at: str(d.merged_at),
      closed_at: str(d.closed_at),
      source_branch: str(d.source_branch) ?? '',
      target_branch: str(d.target_branch) ?? '',
      sha: str(d.sha),
      merge_commit_sha: str(d.merge_commit_sha),
      squash_commit_sha: str(d.squash_commit_sha),
      author: userOf(d.author),
      labels: (d.labels as string[] | undefined) ?? [],
      // The list endpoint has no diff stats (only GET /merge_requests/:iid/changes does).
      stats: { additions: 0, deletions: 0, file_count: 0 },
      notes: own,
      commits: commits.get(key) ?? [],
      approved_by: own.filter((n) => n.system && n.body.startsWith('approved this')).map((n) => n.author),
    });
  }
  const pipelines = new Map<number, { project: number; model: PipelineModel }>();
  const pipelineOf = (projectId: number, d: Json): PipelineModel => {
    const id = num(d.id)!;
    const known = pipelines.get(id);
    const model: PipelineModel = {
      id,
      iid: num(d.iid) ?? known?.model.iid ?? id,
      sha: str(d.sha),
      ref: str(d.ref),
      source: str(d.source),
      status: str(d.status) ?? 'created',
      name: str(d.name),
      created_at: str(d.created_at)!,
      updated_at: str(d.updated_at),
      started_at: str(d.started_at) ?? known?.model.started_at ?? null,
      finished_at: str(d.finished_at) ?? known?.model.finished_at ?? null,
      user: d.user ? userOf(d.user) : null,
      merge_request_iid: null,
      upstream_id: null,
      jobs: known?.model.jobs ?? [],
    };
    pipelines.set(id, { project: projectId, model });
    return model;
  };
  for (const r of rawTable('_raw_gitlab_api_pipeline.csv')) pipelineOf(r.project, r.data);
  // The detail view (GET /pipelines/:id) has what the list lacks: start, finish, queued time.
  for (const r of rawTable('_raw_gitlab_api_pipeline_details.csv')) pipelineOf(r.project, r.data);
  const jobOf = (d: Json, kind: JobModel['kind']): JobModel => ({
    id: num(d.id)!,
    name: str(d.name) ?? '',
    stage: str(d.stage) ?? '',
    status: str(d.status) ?? 'created',
    kind,
    created_at: str(d.created_at)!,
    queued_duration: num(d.queued_duration),
    started_at: str(d.started_at),
    finished_at: str(d.finished_at),
    retried: d.retried === true,
    allow_failure: d.allow_failure === true,
    needs: [],
    runner: d.runner ? { description: str((d.runner as Json).description) ?? '' } : null,
    downstream_pipeline: d.downstream_pipeline
      ? { id: num((d.downstream_pipeline as Json).id) ?? 0, project_path: '' }
      : null,
    raw: d,
  });
  const jobRows = [
    ...rawTable('_raw_gitlab_api_job.csv').map((r) => ({ ...r, kind: 'BUILD' as const })),
    ...rawTable('_raw_gitlab_api_trigger_job.csv').map((r) => ({ ...r, kind: 'BRIDGE' as const })),
  ];
  for (const r of jobRows) {
    const p = r.data.pipeline as Json;
    const model = pipelines.get(num(p.id)!)?.model ?? pipelineOf(r.project, p);
    // The bridge was recorded with id 1 beside build 1..: GitLab numbers bridges and builds apart.
    model.jobs.push(
      jobOf(r.kind === 'BRIDGE' ? { ...r.data, id: 9_000_000 + num(r.data.id)! } : r.data, r.kind),
    );
  }
  for (const { project: pid, model } of pipelines.values()) project(pid).pipelines.push(model);
  for (const r of rawTable('_raw_gitlab_api_deployments.csv')) project(r.project).deployments.push(r.data);
  for (const r of rawTable('_raw_gitlab_api_issues.csv')) project(r.project).issues.push(r.data);
  return { projects: new Map([...projects.values()].map((p) => [p.path_with_namespace.toLowerCase(), p])) };
}
