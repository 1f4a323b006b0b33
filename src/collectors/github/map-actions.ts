import type { RecordInput } from '../../domain/records.js';
import type { RestJob, RestRun } from './rest-schemas.js';
import { at, conclusionOf, earliest, iso, latest, statusOf } from './normalize.js';

/**
 * One attempt of a workflow run. GitHub keeps the run id across re-runs and bumps
 * `run_attempt`, so attempts share (repo, run_id) and a re-run is never a new run.
 * An attempt > 1 starts at its `run_started_at`: the run's `created_at` is the first attempt's.
 */
export function mapRun(repo: string, run: RestRun): RecordInput<'pipeline_run'> {
  const attempt = run.run_attempt ?? 1;
  const created = at(run.created_at);
  const started = at(run.run_started_at);
  const status = statusOf(run.status);
  const createdAt = attempt > 1 && started ? started : created;
  return {
    kind: 'pipeline_run',
    repo,
    run_id: String(run.id),
    attempt,
    workflow: run.name || run.path || String(run.workflow_id ?? 'workflow'),
    event: run.event ?? null,
    branch: run.head_branch ?? null,
    sha: run.head_sha ?? null,
    pr_number: run.pull_requests?.[0]?.number ?? null,
    created_at: iso(createdAt)!,
    started_at: iso(started),
    // REST runs have no completed_at: a completed attempt last changed when it completed.
    completed_at: status === 'completed' ? (run.updated_at ?? null) : null,
    status,
    conclusion: conclusionOf(run.conclusion),
    actor: run.actor?.login ?? null,
  };
}

/** Matrix jobs ("test (ubuntu, 20)") belong to one stage ("test"). */
export function stageOf(name: string): string {
  return name.replace(/\s*\([^()]*\)\s*$/, '').trim() || name;
}

/**
 * A job of one attempt. Data-quality rules, from real responses:
 * - `created_at` is absent on older servers (and on GitHub before 2022): queue time unknown, not zero;
 *   undefined (GraphQL never has it, nor a re-run job's attempt) leaves the stored one;
 * - skipped jobs can be "created" after they "started": they never ran, so they get no start; any
 *   other job created after its start (clock skew) is clamped, so queue time is never negative;
 * - step times carry local offsets (+09:00): parsed as instants, they fill a missing job start or end;
 * - a job still in progress has no completion, whatever `completed_at` says.
 */
export function mapJob(repo: string, workflow: string, job: RestJob): RecordInput<'pipeline_job'> {
  const steps = job.steps ?? [];
  // GitHub stamps a skipped job with a start (= its completion, often before its creation),
  // but it never ran: no start, no completion, no queue time.
  const skipped = conclusionOf(job.conclusion) === 'skipped';
  const started = skipped ? null : (at(job.started_at) ?? earliest(steps.map((s) => at(s.started_at))));
  const created = at(job.created_at);
  const status = statusOf(job.status);
  const completed =
    status === 'completed' && !skipped
      ? (at(job.completed_at) ?? latest(steps.map((s) => at(s.completed_at))))
      : null;
  return {
    kind: 'pipeline_job',
    repo,
    job_id: String(job.id),
    run_id: String(job.run_id),
    ...(job.run_attempt === undefined ? {} : { attempt: job.run_attempt }),
    workflow: job.workflow_name || workflow,
    name: job.name,
    stage: stageOf(job.name),
    needs: [],
    // A source that does not know the creation time or runner (GraphQL) leaves them out, so
    // the store keeps what a webhook delivery gave.
    ...(job.created_at === undefined
      ? {}
      : { created_at: iso(created && started && created > started ? started : created) }),
    started_at: iso(started),
    completed_at: iso(completed && started && completed < started ? started : completed),
    conclusion: conclusionOf(job.conclusion),
    ...(job.runner_name === undefined ? {} : { runner: job.runner_name || null }),
  };
}
