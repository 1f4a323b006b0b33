import type { DemoOptions } from '../../src/demo/options.js';
import type { RecordInput } from '../../src/domain/records.js';
import { loadDemo, type DemoGroundTruth } from '../github/demo-source.js';
import type {
  CommitModel,
  JobModel,
  MergeRequestModel,
  NoteModel,
  PipelineModel,
  ProjectModel,
  ServerData,
  UserModel,
} from './model.js';

export interface GitLabDemoTruth {
  group: string;
  records: DemoGroundTruth['records'];
  /** GitLab job id -> demo `job_id`. */
  jobIds: Map<number, string>;
}

const ms = (v: string | number | Date) => (v instanceof Date ? v.getTime() : new Date(v).getTime());
const iso = (v: string | number | Date | null | undefined) =>
  v === null || v === undefined ? null : new Date(ms(v)).toISOString();

/** The same demo organisation the GitHub server serves, as a GitLab group holding one project per repository. */
export function loadGitLabDemo(options: Partial<DemoOptions>): { data: ServerData; truth: GitLabDemoTruth } {
  const gh = loadDemo(options, {}, 'http://unused').truth;
  const r = gh.records;
  const users = new Map<string, UserModel>();
  const user = (login: string): UserModel => {
    let u = users.get(login);
    if (!u)
      users.set(
        login,
        (u = { id: 1000 + users.size, username: login, name: login, bot: login.endsWith('[bot]') }),
      );
    return u;
  };
  let seq = 0;
  const next = () => ++seq;
  const jobIds = new Map<number, string>();
  const data: ServerData = { projects: new Map() };
  r.repos.forEach((rec, index) => {
    const path = rec.repo;
    const mrs = r.pullRequests
      .filter((p) => p.repo === path)
      .sort((a, b) => a.number - b.number)
      .map((p) => mergeRequest(p));
    const commits = r.commits
      .filter((c) => c.repo === path)
      .sort((a, b) => ms(b.committed_at) - ms(a.committed_at))
      .map((c): CommitModel => ({
        id: c.sha,
        parent_ids: c.is_merge ? ['0'.repeat(40), '1'.repeat(40)] : ['0'.repeat(40)],
        title: c.subject ?? '',
        message: c.subject ?? '',
        author_name: c.author,
        author_email: c.author_email ?? '',
        authored_date: iso(c.authored_at)!,
        committed_date: iso(c.committed_at)!,
        stats: {
          additions: c.additions ?? 0,
          deletions: c.deletions ?? 0,
          total: (c.additions ?? 0) + (c.deletions ?? 0),
        },
      }));
    const project: ProjectModel = {
      id: 900_000 + index,
      path_with_namespace: path,
      default_branch: rec.default_branch ?? 'main',
      archived: false,
      last_activity_at: new Date().toISOString(),
      mergeRequests: mrs,
      pipelines: pipelines(path),
      commits,
      deployments: r.deployments.filter((d) => d.repo === path).map((d) => deployment(d)),
      issues: [],
      releases: [],
    };
    data.projects.set(path.toLowerCase(), project);
  });
  for (const inc of r.incidents) {
    const project = [...data.projects.values()].find(
      (p) => p.path_with_namespace.split('/').pop() === inc.service,
    );
    if (!project) continue;
    const sev = inc.severity
      ? /^sev\d+$/i.test(inc.severity)
        ? inc.severity
        : `severity::${inc.severity}`
      : null;
    project.issues.push({
      id: next(),
      iid: project.issues.length + 1,
      title: inc.title ?? 'incident',
      state: inc.resolved_at ? 'closed' : 'opened',
      created_at: iso(inc.opened_at),
      updated_at: iso(inc.resolved_at ?? inc.opened_at),
      closed_at: iso(inc.resolved_at ?? null),
      labels: sev ? [sev] : [],
      issue_type: 'incident',
      type: 'INCIDENT',
    });
  }
  return { data, truth: { group: gh.org, records: r, jobIds } };

  function mergeRequest(p: RecordInput<'pull_request'>): MergeRequestModel {
    const author = user(p.author);
    const notes: NoteModel[] = [];
    const note = (who: string, at: string, body: string, system: boolean, diff: boolean) =>
      notes.push({
        id: next(),
        type: diff ? 'DiffNote' : null,
        system,
        body,
        author: user(who),
        created_at: at,
        position: diff ? { new_path: `src/file${notes.length}.ts` } : null,
      });
    const created = iso(p.created_at)!;
    if (p.ready_at && ms(p.ready_at) > ms(p.created_at))
      note(p.author, iso(p.ready_at)!, 'marked this merge request as **ready**', true, false);
    const approved: UserModel[] = [];
    for (const rv of r.reviews.filter((x) => x.repo === p.repo && x.pr_number === p.number)) {
      const at = iso(rv.submitted_at)!;
      const k = rv.comments ?? 0;
      if (rv.state === 'approved') {
        note(rv.reviewer, at, 'approved this merge request', true, false);
        approved.push(user(rv.reviewer));
      } else if (rv.state === 'changes_requested') note(rv.reviewer, at, 'requested changes', true, false);
      else if (rv.state === 'dismissed') note(rv.reviewer, at, 'unapproved this merge request', true, false);
      // A comment-only review is its diff notes: at least one, or there would be no review.
      for (let i = 0; i < (rv.state === 'commented' ? Math.max(1, k) : k); i++)
        note(rv.reviewer, at, `Nit ${i + 1}`, false, true);
    }
    const updated = iso(p.updated_at ?? p.created_at)!;
    const n = p.comments ?? 0;
    for (let i = 0; i < n; i++)
      note(
        p.author,
        new Date(ms(created) + Math.floor(((i + 1) * (ms(updated) - ms(created))) / (n + 1))).toISOString(),
        `Comment ${i + 1}`,
        false,
        false,
      );
    notes.sort((a, b) => ms(a.created_at) - ms(b.created_at) || a.id - b.id);
    return {
      id: next(),
      iid: p.number,
      title: p.title ?? '',
      state: p.state === 'merged' ? 'merged' : p.state === 'open' ? 'opened' : 'closed',
      draft: p.draft ?? false,
      created_at: created,
      updated_at: updated,
      merged_at: iso(p.merged_at ?? null),
      closed_at: p.state === 'closed' ? iso(p.closed_at ?? null) : null,
      source_branch: p.head_branch ?? `${p.author}/mr-${p.number}`,
      target_branch: p.base_branch ?? 'main',
      sha: p.head_sha ?? null,
      merge_commit_sha: p.merge_sha ?? null,
      squash_commit_sha: null,
      author,
      labels: p.labels ?? [],
      stats: { additions: p.additions ?? 0, deletions: p.deletions ?? 0, file_count: p.changed_files ?? 0 },
      notes,
      commits: p.first_commit_at
        ? [
            {
              id: p.head_sha ?? `${p.number}`.padStart(40, 'a'),
              authored_date: iso(p.first_commit_at)!,
              committed_date: iso(p.first_commit_at)!,
              title: p.title ?? '',
            },
          ]
        : [],
      approved_by: approved,
    };
  }

  function pipelines(path: string): PipelineModel[] {
    const runs = r.pipelineRuns.filter((x) => x.repo === path);
    const jobs = r.pipelineJobs.filter((x) => x.repo === path);
    const byRun = new Map<string, RecordInput<'pipeline_run'>[]>();
    for (const x of runs) byRun.set(x.run_id, [...(byRun.get(x.run_id) ?? []), x]);
    const out: PipelineModel[] = [];
    let iid = 0;
    for (const [runId, attempts] of [...byRun].sort(
      (a, b) => ms(a[1][0]!.created_at) - ms(b[1][0]!.created_at),
    )) {
      attempts.sort((a, b) => (a.attempt ?? 1) - (b.attempt ?? 1));
      const first = attempts[0]!;
      const last = attempts[attempts.length - 1]!;
      const max = last.attempt ?? 1;
      const own = jobs
        .filter((j) => j.run_id === runId)
        .sort((a, b) => (a.attempt ?? 1) - (b.attempt ?? 1) || ms(a.created_at ?? 0) - ms(b.created_at ?? 0));
      const jobModels: JobModel[] = own.map((j) => {
        const id = next();
        jobIds.set(id, j.job_id);
        const started = iso(j.started_at ?? null);
        const createdAt = iso(j.created_at ?? j.started_at ?? first.created_at)!;
        return {
          id,
          name: j.name,
          stage: j.stage ?? j.name,
          status: statusOf(j.conclusion ?? null, j.completed_at != null),
          kind: 'BUILD',
          created_at: createdAt,
          queued_duration: started ? (ms(started) - ms(createdAt)) / 1000 : null,
          started_at: started,
          finished_at: iso(j.completed_at ?? null),
          retried: (j.attempt ?? 1) < max,
          allow_failure: false,
          needs: [...(j.needs ?? [])],
          runner: j.runner ? { description: j.runner } : null,
          downstream_pipeline: null,
        };
      });
      out.push({
        id: Number(runId),
        iid: ++iid,
        sha: first.sha ?? null,
        ref: first.branch ?? null,
        source: first.event ?? 'push',
        status: statusOf(last.conclusion ?? null, last.completed_at != null),
        name: first.workflow,
        created_at: iso(first.created_at)!,
        updated_at: iso(last.completed_at ?? last.created_at),
        started_at: iso(first.started_at ?? null),
        finished_at: iso(last.completed_at ?? null),
        user: first.actor ? user(first.actor) : null,
        merge_request_iid: first.pr_number ?? null,
        upstream_id: null,
        jobs: jobModels,
      });
    }
    return out;
  }

  function deployment(d: RecordInput<'deployment'>) {
    const status = { success: 'success', failure: 'failed', in_progress: 'running', cancelled: 'canceled' }[
      d.status ?? 'success'
    ];
    return {
      id: next(),
      iid: seq,
      sha: d.sha,
      ref: 'main',
      status,
      created_at: iso(d.started_at),
      updated_at: iso(d.finished_at ?? d.started_at),
      finished_at: iso(d.finished_at ?? null),
      environment: {
        id: 1,
        name: d.environment,
        tier: d.environment === 'production' ? 'production' : 'other',
      },
      deployable: { id: seq, status, finished_at: iso(d.finished_at ?? null) },
    };
  }
}

function statusOf(conclusion: string | null, finished: boolean): string {
  if (conclusion === 'success') return 'success';
  if (conclusion === 'failure' || conclusion === 'timed_out') return 'failed';
  if (conclusion === 'cancelled') return 'canceled';
  if (conclusion === 'skipped') return 'skipped';
  return finished ? 'success' : 'running';
}
