import type { RecordInput } from '../../domain/records.js';
import { fullRepo } from './identity.js';
import type { SpanView } from './spans.js';
import { pick } from './values.js';

/**
 * OpenTelemetry's CI/CD semantic conventions (semantic-conventions 1.45, `cicd.*` and `vcs.*`,
 * as the collector's GitHub and GitLab receivers and CI plugins emit them) read as pipeline runs
 * and jobs. Attribute names are kept here, not imported from the incubating entry point of
 * @opentelemetry/semantic-conventions (which is not for runtime use); a test holds them equal.
 */
export const CICD = {
  pipelineName: 'cicd.pipeline.name',
  runId: 'cicd.pipeline.run.id',
  result: 'cicd.pipeline.result',
  runUrl: 'cicd.pipeline.run.url.full',
  taskName: 'cicd.pipeline.task.name',
  taskRunId: 'cicd.pipeline.task.run.id',
  taskType: 'cicd.pipeline.task.type',
  taskResult: 'cicd.pipeline.task.run.result',
  workerName: 'cicd.worker.name',
  repoUrl: 'vcs.repository.url.full',
  refHead: 'vcs.ref.head.name',
  revision: 'vcs.ref.head.revision',
  changeId: 'vcs.change.id',
} as const;

/** The span name OpenTelemetry uses for a pipeline run when it has no better one. */
export const RUN_SPAN = 'cicd.pipeline.run';
/** Queue time given as an attribute of a task span, in seconds. */
export const QUEUE_SECONDS = 'cicd.pipeline.task.run.queue.duration';

/** Results (cicd.pipeline.result, cicd.pipeline.task.run.result) to a pipeline conclusion. */
const CONCLUSION: Record<string, RecordInput<'pipeline_run'>['conclusion']> = {
  success: 'success',
  failure: 'failure',
  error: 'failure',
  timeout: 'timed_out',
  timed_out: 'timed_out',
  cancellation: 'cancelled',
  cancelled: 'cancelled',
  skip: 'skipped',
  skipped: 'skipped',
  neutral: 'neutral',
  action_required: 'action_required',
  stale: 'stale',
};

const hasAny = (v: SpanView, keys: readonly string[]) =>
  keys.some((k) => v.own[k] !== undefined || v.resource[k] !== undefined);
const TASK_MARKS = [CICD.taskRunId, CICD.taskName];
const isTaskLike = (v: SpanView) => hasAny(v, TASK_MARKS);
const isRunLike = (v: SpanView) =>
  !isTaskLike(v) && (v.name === RUN_SPAN || hasAny(v, [CICD.runId, CICD.pipelineName]));

interface RunInfo {
  repo: string | null;
  runId: string;
  attempt: number;
  workflow: string;
}

/**
 * A pipeline run is the topmost run-like span of a trace in the request (steps below it that
 * inherit the resource's run attributes are plain spans); a task (a job) is the topmost task-like
 * span below it, so the steps of a job, which also carry a task name, stay spans. Ids come from
 * the conventions' run and task ids, else from the span: a re-export writes the same rows.
 */
export function cicdRecords(views: readonly SpanView[]): {
  records: (RecordInput<'pipeline_run'> | RecordInput<'pipeline_job'>)[];
  warnings: string[];
} {
  const byId = new Map(views.map((v) => [v.id, v]));
  const ancestor = (v: SpanView, test: (a: SpanView) => boolean): SpanView | null => {
    const seen = new Set<string>();
    for (let p = v.parentId ? byId.get(v.parentId) : undefined; p && !seen.has(p.id);) {
      if (test(p)) return p;
      seen.add(p.id);
      p = p.parentId ? byId.get(p.parentId) : undefined;
    }
    return null;
  };
  const runs = new Map<string, RunInfo>();
  const records: (RecordInput<'pipeline_run'> | RecordInput<'pipeline_job'>)[] = [];
  const warnings: string[] = [];
  const noRepo = (what: string, v: SpanView) =>
    warnings.push(
      `${what} span "${v.name}" (${v.spanId}) names no repository (${CICD.repoUrl}, or vcs.owner.name and vcs.repository.name): stored as a span only`,
    );

  for (const v of views) {
    if (!isRunLike(v) || ancestor(v, isRunLike)) continue;
    const info: RunInfo = {
      repo: fullRepo(v.maps),
      runId: pick(v.maps, [CICD.runId]) ?? v.traceId,
      attempt: attemptOf(v),
      workflow: pick(v.maps, [CICD.pipelineName]) ?? v.name,
    };
    runs.set(v.id, info);
    if (!info.repo) {
      noRepo('pipeline run', v);
      continue;
    }
    const completed = v.endedAt !== null;
    records.push({
      kind: 'pipeline_run',
      repo: info.repo,
      run_id: info.runId,
      attempt: info.attempt,
      workflow: info.workflow,
      event: null,
      branch: pick(v.maps, [CICD.refHead, 'vcs.ref.head']),
      sha: shaOf(pick(v.maps, [CICD.revision])),
      pr_number: prOf(pick(v.maps, [CICD.changeId, 'vcs.repository.change.id'])),
      created_at: v.startedAt,
      started_at: v.startedAt,
      completed_at: v.endedAt,
      status: completed ? 'completed' : 'in_progress',
      conclusion: completed ? conclusionOf(v, [CICD.result, 'cicd.pipeline.run.status']) : null,
      actor: null,
    });
  }

  const children = new Map<string, SpanView[]>();
  for (const v of views) {
    if (!v.parentId) continue;
    const kids = children.get(v.parentId);
    if (kids) kids.push(v);
    else children.set(v.parentId, [v]);
  }

  for (const v of views) {
    if (!isTaskLike(v) || ancestor(v, isTaskLike)) continue;
    const runSpan = ancestor(v, (a) => runs.has(a.id));
    const run = runSpan ? runs.get(runSpan.id)! : null;
    const repo = fullRepo(v.maps) ?? run?.repo ?? null;
    if (!repo) {
      noRepo('pipeline task', v);
      continue;
    }
    const { createdAt, startedAt } = queueOf(v, children.get(v.id) ?? []);
    const completed = v.endedAt !== null;
    records.push({
      kind: 'pipeline_job',
      repo,
      job_id: pick(v.maps, [CICD.taskRunId]) ?? v.id,
      run_id: pick(v.maps, [CICD.runId]) ?? run?.runId ?? v.traceId,
      attempt: run?.attempt ?? attemptOf(v),
      workflow: run?.workflow ?? pick(v.maps, [CICD.pipelineName]) ?? 'pipeline',
      name: pick(v.maps, [CICD.taskName]) ?? v.name,
      stage: pick(v.maps, [CICD.taskType]),
      needs: [],
      created_at: createdAt,
      started_at: startedAt,
      completed_at: v.endedAt,
      conclusion: completed ? conclusionOf(v, [CICD.taskResult, 'cicd.pipeline.run.task.status']) : null,
      runner: pick(v.maps, [CICD.workerName, 'cicd.pipeline.worker.name']),
    });
  }
  return { records, warnings };
}

/**
 * When a job was queued and when it started. A child span for the queue (the collector's GitHub
 * receiver writes `queue-<job>` from created to started, under a job span that starts when the
 * job was created) gives both; else a queue duration attribute (seconds) before the span's start;
 * else the queue time is unknown (no created_at), never zero.
 */
function queueOf(v: SpanView, kids: readonly SpanView[]): { createdAt: string | null; startedAt: string } {
  const q = kids.find(
    (k) =>
      /(^|[\s._-])queue([\s._-]|$)/i.test(k.name) ||
      Object.keys(k.own).some((a) => a.endsWith('queue.duration')),
  );
  if (q) return { createdAt: q.startedAt, startedAt: q.endedAt ?? v.startedAt };
  const secs = Number(v.own[QUEUE_SECONDS] ?? NaN);
  if (Number.isFinite(secs) && secs >= 0)
    return {
      createdAt: new Date(Date.parse(v.startedAt) - secs * 1000).toISOString(),
      startedAt: v.startedAt,
    };
  return { createdAt: null, startedAt: v.startedAt };
}

function conclusionOf(v: SpanView, keys: readonly string[]): RecordInput<'pipeline_run'>['conclusion'] {
  const result = pick(v.maps, keys)?.toLowerCase();
  if (result && CONCLUSION[result]) return CONCLUSION[result];
  return v.status === 'ok' ? 'success' : v.status === 'error' ? 'failure' : null;
}

function attemptOf(v: SpanView): number {
  const n = Number(pick(v.maps, ['cicd.pipeline.run.attempt', 'github.workflow.run.attempt']));
  return Number.isInteger(n) && n >= 1 && n < 2 ** 31 ? n : 1;
}

const shaOf = (s: string | null) => (s && /^[0-9a-f]{7,64}$/i.test(s) ? s.toLowerCase() : null);

function prOf(s: string | null): number | null {
  const n = Number(s?.replace(/^#/, ''));
  return Number.isInteger(n) && n > 0 && n < 2 ** 31 ? n : null;
}
