import type { AnyRecordInput, RecordInput } from '../../domain/records.js';
import { looksLikeBot } from '../../domain/rules.js';
import { identityOf } from '../git/identity.js';
import { readMessage } from '../git/messages.js';
import { at, iso } from '../github/normalize.js';
import { numericId, type JobNode, type MrNode, type NoteNode, type PipelineNode } from './graphql.js';

/** A project deploys the service named like it ("acme/platform/payments-api" -> "payments-api"). */
export const serviceOf = (project: string) => project.slice(project.lastIndexOf('/') + 1);

type ReviewState = RecordInput<'review'>['state'];

/** System notes that are review decisions; GitLab writes them in English whatever the UI language. */
function decisionOf(n: NoteNode): ReviewState | null {
  if (!n.system) return null;
  const b = n.body.trim().toLowerCase();
  if (b.startsWith('approved this merge request')) return 'approved';
  if (b.startsWith('unapproved this merge request')) return 'dismissed';
  if (b.startsWith('requested changes')) return 'changes_requested';
  return null;
}

/** A user note on the diff (a line comment): GitLab's review comment, unlike a general comment. */
const isDiffNote = (n: NoteNode) => !n.system && !!n.position;

/**
 * GitLab has no review object: a submitted review is a batch of diff notes (and an approval)
 * by one person at one instant. Each such batch is one review, as on GitHub: approved if it
 * approves, changes_requested if it requests changes, else commented; its comments are its
 * diff notes. The author's own notes are not reviews.
 */
export function reviewsOf(mr: MrNode, notes: readonly NoteNode[]) {
  const author = mr.author?.username;
  const groups = new Map<
    string,
    { id: string; reviewer: string; at: string; state: ReviewState; comments: number }
  >();
  const rank: Record<ReviewState, number> = {
    pending: 0,
    commented: 1,
    dismissed: 2,
    changes_requested: 3,
    approved: 4,
  };
  for (const n of notes) {
    const who = n.author?.username;
    if (!who || who === author) continue;
    const decision = decisionOf(n);
    if (!decision && !isDiffNote(n)) continue;
    const key = `${who}|${Date.parse(n.createdAt)}`;
    const state: ReviewState = decision ?? 'commented';
    const g = groups.get(key);
    if (!g)
      groups.set(key, {
        id: numericId(n.id),
        reviewer: who,
        at: n.createdAt,
        state,
        comments: isDiffNote(n) ? 1 : 0,
      });
    else {
      if (rank[state] > rank[g.state]) g.state = state;
      if (isDiffNote(n)) g.comments++;
    }
  }
  return [...groups.values()];
}

const isBot = (u: { username: string; bot?: boolean | null | undefined } | null | undefined) =>
  !!u && (u.bot === true || looksLikeBot(u.username));

/** A landing commit as the REST commits listing gives it (`with_stats=true`). */
export interface RestCommit {
  id: string;
  parent_ids?: string[] | null;
  title?: string | null;
  message?: string | null;
  author_name?: string | null;
  author_email?: string | null;
  authored_date?: string | null;
  committed_date?: string | null;
  stats?: { additions?: number; deletions?: number } | null;
}

/** The sha a merge request landed as: its merge commit, or its squash commit when fast-forwarded. */
export const landingSha = (mr: MrNode): string | null =>
  mr.state.toLowerCase() === 'merged' ? (mr.mergeCommitSha ?? mr.squashCommitSha ?? null) : null;

const READY = /^(marked this merge request as \**ready|unmarked as a \**(work in progress|draft))/i;

/** A merge request as a pull request and its reviews: the records GitHub's collector writes. */
export function mapMergeRequest(project: string, mr: MrNode, notes: readonly NoteNode[]): AnyRecordInput[] {
  const state = mr.state.toLowerCase();
  const number = Number(mr.iid);
  const ready = [...notes]
    // "marked this merge request as **ready**"; GitLab before 14 wrote "unmarked as a **Work In Progress**".
    .filter((n) => n.system && READY.test(n.body.trim()))
    .map((n) => n.createdAt)
    .sort((a, b) => Date.parse(a) - Date.parse(b))
    .pop();
  const authored = (mr.commits?.nodes ?? [])
    .map((c) => c.authoredDate)
    .filter((d): d is string => !!d)
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  const merged = state === 'merged';
  const out: AnyRecordInput[] = [
    {
      kind: 'pull_request',
      repo: project,
      number,
      author: mr.author?.username ?? 'ghost',
      title: mr.title,
      state: merged ? 'merged' : state === 'opened' ? 'open' : 'closed',
      created_at: mr.createdAt,
      ready_at: ready ?? null,
      first_commit_at: authored[0] ?? null,
      merged_at: merged ? (mr.mergedAt ?? null) : null,
      closed_at: mr.closedAt ?? (merged ? (mr.mergedAt ?? null) : null),
      additions: mr.diffStatsSummary?.additions ?? 0,
      deletions: mr.diffStatsSummary?.deletions ?? 0,
      changed_files: mr.diffStatsSummary?.fileCount ?? 0,
      comments: notes.filter((n) => !n.system && !n.position).length,
      labels: mr.labels?.nodes.map((l) => l.title) ?? [],
      draft: mr.draft,
      base_branch: mr.targetBranch ?? null,
      head_branch: mr.sourceBranch ?? null,
      head_sha: mr.diffHeadSha ?? null,
      merge_sha: landingSha(mr),
      updated_at: mr.updatedAt,
    },
  ];
  for (const r of reviewsOf(mr, notes))
    out.push({
      kind: 'review',
      repo: project,
      pr_number: number,
      review_id: r.id,
      reviewer: r.reviewer,
      state: r.state,
      submitted_at: r.at,
      comments: r.comments,
    });
  return out;
}

/** People on merge requests and their notes, with what GitLab says of them (`bot`). */
export function peopleOfMrs(
  mrs: readonly { mr: MrNode; notes: readonly NoteNode[] }[],
): Map<string, boolean> {
  const seen = new Map<string, boolean>();
  for (const { mr, notes } of mrs)
    for (const u of [mr.author, ...notes.map((n) => n.author)])
      if (u && !seen.has(u.username)) seen.set(u.username, isBot(u));
  return seen;
}

/** The commit a merge request landed as, linked to it by number (a squash subject loses the link). */
export function mapLandingCommit(
  project: string,
  c: RestCommit,
  mr: { number: number; files: number },
): RecordInput<'commit'> {
  const message = c.message ?? c.title ?? '';
  const [subject = '', ...body] = message.split('\n');
  const isMerge = (c.parent_ids?.length ?? 1) > 1;
  const authored = iso(at(c.authored_date ?? c.committed_date))!;
  return {
    kind: 'commit',
    repo: project,
    sha: c.id,
    author: identityOf(c.author_name ?? '', c.author_email ?? ''),
    author_email: c.author_email || null,
    authored_at: authored,
    committed_at: iso(at(c.committed_date)) ?? authored,
    additions: c.stats?.additions ?? 0,
    deletions: c.stats?.deletions ?? 0,
    files: mr.files,
    is_merge: isMerge,
    reverts_sha: readMessage(subject, body.join('\n'), isMerge).revertsSha,
    pr_number: mr.number,
    subject,
  };
}

type Conclusion = RecordInput<'pipeline_job'>['conclusion'];

/** GitLab's job and pipeline statuses (upper-case in GraphQL, lower-case in REST). */
export function conclusionOf(status: string | null | undefined): Conclusion {
  switch ((status ?? '').toLowerCase()) {
    case 'success':
      return 'success';
    case 'failed':
      return 'failure';
    case 'canceled':
    case 'canceling':
      return 'cancelled';
    case 'skipped':
      return 'skipped';
    case 'manual':
      // A manual job nobody started never ran.
      return 'skipped';
    default:
      return null;
  }
}

const FINISHED = new Set(['success', 'failed', 'canceled', 'skipped', 'manual']);
export const isFinished = (status: string | null | undefined) => FINISHED.has((status ?? '').toLowerCase());

/**
 * A pipeline and its jobs as runs and jobs. GitLab keeps the pipeline id when jobs are retried
 * and marks the old ones `retried`; attempt n of the pipeline is each job's n-th try, so a
 * retry is never a new run. Attempt 1 starts at the pipeline's creation, a later one at the
 * first job created for it. Jobs keep `needs` (the critical path) and GitLab's own queue
 * time: `created_at` is set so that `started_at - created_at` equals `queued_duration`.
 * A bridge (trigger) job is a job of its pipeline; the child pipeline it starts is a run of
 * its own, listed with the project's pipelines.
 */
export function mapPipeline(
  project: string,
  p: PipelineNode,
  jobs: readonly JobNode[],
): { runs: RecordInput<'pipeline_run'>[]; jobs: RecordInput<'pipeline_job'>[] } {
  const runId = numericId(p.id);
  const workflow = p.name || 'pipeline';
  const ordered = [...jobs].sort(
    (a, b) =>
      Date.parse(a.createdAt ?? p.createdAt) - Date.parse(b.createdAt ?? p.createdAt) ||
      Number(numericId(a.id)) - Number(numericId(b.id)),
  );
  const tries = new Map<string, number>();
  const attemptOf = new Map<JobNode, number>();
  for (const j of ordered) {
    const n = (tries.get(j.name) ?? 0) + 1;
    tries.set(j.name, n);
    attemptOf.set(j, n);
  }
  const attempts = Math.max(1, ...attemptOf.values());
  const outJobs: RecordInput<'pipeline_job'>[] = [];
  for (const j of ordered) {
    const conclusion = conclusionOf(j.status);
    const skipped = conclusion === 'skipped';
    const started = skipped ? null : at(j.startedAt);
    const finished = skipped || !isFinished(j.status) ? null : at(j.finishedAt);
    const queued = j.queuedDuration;
    const created =
      started && typeof queued === 'number'
        ? new Date(started.getTime() - Math.round(queued * 1000))
        : at(j.queuedAt ?? j.createdAt);
    outJobs.push({
      kind: 'pipeline_job',
      repo: project,
      job_id: numericId(j.id),
      run_id: runId,
      attempt: attemptOf.get(j)!,
      workflow,
      name: j.name,
      stage: j.stage?.name ?? null,
      needs: j.needs?.nodes.map((n) => n.name) ?? [],
      created_at: iso(created && started && created > started ? started : created),
      started_at: iso(started),
      completed_at: iso(finished && started && finished < started ? started : finished),
      conclusion,
      runner: (j.kind ?? '').toUpperCase() === 'BRIDGE' ? 'bridge' : (j.runner?.description ?? null),
      source_updated_at: p.updatedAt ?? null,
    });
  }
  const runs: RecordInput<'pipeline_run'>[] = [];
  const base = {
    kind: 'pipeline_run' as const,
    repo: project,
    run_id: runId,
    workflow,
    event: p.source ?? null,
    branch: p.ref?.startsWith('refs/merge-requests/') ? null : (p.ref ?? null),
    sha: p.sha ?? null,
    pr_number: p.mergeRequest ? Number(p.mergeRequest.iid) : null,
    actor: p.user?.username ?? null,
    source_updated_at: p.updatedAt ?? null,
  };
  for (let n = 1; n <= attempts; n++) {
    const own = outJobs.filter((j) => j.attempt === n);
    const last = n === attempts;
    // The jobs attempt n ran: its own tries, and the latest earlier try of jobs it did not retry.
    const latest = new Map<string, RecordInput<'pipeline_job'>>();
    for (const j of outJobs) if ((j.attempt ?? 1) <= n) latest.set(j.name, j);
    const view = [...latest.values()];
    const createdAt =
      n === 1
        ? iso(at(p.createdAt))!
        : (own
            .map((j) => j.created_at ?? j.started_at)
            .filter((x): x is string => !!x)
            .sort()[0] ?? iso(at(p.createdAt))!);
    const starts = own
      .map((j) => j.started_at)
      .filter((x): x is string => !!x)
      .sort();
    const ends = view
      .map((j) => j.completed_at)
      .filter((x): x is string => !!x)
      .sort();
    const status = last ? p.status.toLowerCase() : 'success';
    const finished = last ? isFinished(p.status) : true;
    const conclusion: Conclusion = last
      ? conclusionOf(p.status)
      : view.some(
            (j) =>
              j.conclusion === 'failure' && !ordered.find((o) => numericId(o.id) === j.job_id)?.allowFailure,
          )
        ? 'failure'
        : 'success';
    runs.push({
      ...base,
      attempt: n,
      created_at: createdAt,
      started_at: n === 1 ? (iso(at(p.startedAt)) ?? starts[0] ?? null) : (starts[0] ?? null),
      completed_at: finished
        ? last
          ? (iso(at(p.finishedAt)) ?? ends.pop() ?? null)
          : (ends.pop() ?? null)
        : null,
      status: finished ? 'completed' : status === 'running' ? 'in_progress' : 'queued',
      conclusion,
    });
  }
  return { runs, jobs: outJobs };
}

/** A deployment as GitLab's Deployments API gives it. */
export interface RestDeployment {
  id: number;
  sha: string;
  status: string;
  created_at: string;
  updated_at?: string | null;
  finished_at?: string | null;
  environment: { name: string; tier?: string | null };
  deployable?: {
    id?: number;
    status?: string | null;
    started_at?: string | null;
    finished_at?: string | null;
  } | null;
}

/**
 * A deployment to a production-like environment. `skipped` and `blocked`-then-skipped
 * deployments never happened (DevLake counted skipped jobs as deployments); `canceled` is
 * cancelled, `failed` a failure; `created`/`running`/`blocked` are still in progress.
 */
export function mapDeployment(project: string, d: RestDeployment): RecordInput<'deployment'> | null {
  const s = d.status.toLowerCase();
  // Skipped deployments never ran; `undeployed` (recorded, not in GitLab's documented list) neither.
  if (s === 'skipped' || s === 'undeployed') return null;
  // `completed` appears in recorded data from older instances where today's is `success`.
  const status =
    s === 'success' || s === 'completed'
      ? 'success'
      : s === 'failed'
        ? 'failure'
        : s === 'canceled'
          ? 'cancelled'
          : 'in_progress';
  const finished =
    status === 'in_progress' ? null : (d.finished_at ?? d.deployable?.finished_at ?? d.updated_at ?? null);
  return {
    kind: 'deployment',
    id: `gitlab:${project}:deployment:${d.id}`,
    service: serviceOf(project),
    environment: d.environment.name,
    repo: project,
    sha: d.sha,
    started_at: d.created_at,
    finished_at: finished,
    status,
    source: 'gitlab-deployments',
    source_updated_at: d.updated_at ?? null,
  };
}

/** A release, opted in as a production deployment of its tag's commit. */
export interface RestRelease {
  tag_name: string;
  created_at: string;
  released_at?: string | null;
  commit?: { id: string } | null;
}

export function deploymentFromRelease(
  project: string,
  r: RestRelease,
  environment: string,
): RecordInput<'deployment'> | null {
  if (!r.commit?.id) return null;
  const when = r.released_at ?? r.created_at;
  return {
    kind: 'deployment',
    id: `gitlab:${project}:release:${r.tag_name}`,
    service: serviceOf(project),
    environment,
    repo: project,
    sha: r.commit.id,
    started_at: when,
    finished_at: when,
    status: 'success',
    source: 'gitlab-releases',
  };
}

/** An issue as the REST issues listing gives it. */
export interface RestIssue {
  iid: number;
  title: string;
  state: string;
  created_at: string;
  closed_at?: string | null;
  labels?: (string | { name: string })[];
  issue_type?: string | null;
  type?: string | null;
  /** Incidents' severity (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN). */
  severity?: string | null;
}

const labelNames = (i: RestIssue) => (i.labels ?? []).map((l) => (typeof l === 'string' ? l : l.name));

/** Issues of type incident (GitLab's incident management) or carrying an incident label. */
export function isIncident(i: RestIssue, labels: readonly string[]): boolean {
  if ((i.issue_type ?? i.type ?? '').toLowerCase() === 'incident') return true;
  const wanted = new Set(labels.map((l) => l.toLowerCase()));
  return labelNames(i).some((l) => wanted.has(l.toLowerCase()));
}

/** Severity from a scoped label ("severity::high", GitLab's convention) or "sev2". */
export function mapIncident(project: string, i: RestIssue): RecordInput<'incident'> {
  const sev = labelNames(i)
    .map((l) => l.trim())
    .map((l) => (/^sev\d+$/i.test(l) ? l : /^severity[\s:/_-]+(\S.*)$/i.exec(l)?.[1]))
    .find((s) => s !== undefined);
  const field = (i.severity ?? '').toLowerCase();
  const severity = sev ?? (field && field !== 'unknown' && isIncident(i, []) ? field : undefined);
  return {
    kind: 'incident',
    id: `gitlab:${project}#${i.iid}`,
    service: serviceOf(project),
    severity: severity ? severity.toLowerCase() : null,
    title: i.title,
    opened_at: i.created_at,
    resolved_at: i.state.toLowerCase() === 'closed' ? (i.closed_at ?? null) : null,
    caused_by_deployment: null,
    source: 'gitlab',
  };
}
