import type { DemoContext, RepoState } from './context.js';
import { isWeekday } from './context.js';
import type { TestCase } from './org.js';
import { CI, CI_JOBS, type CiJobName } from './params.js';
import { regressionFactor } from './regression.js';
import { emitSuite } from './tests.js';

export interface Push {
  at: number;
  sha: string;
  branch: string;
  event: 'push' | 'pull_request';
  prNumber: number | null;
  actor: string;
  /** A non-flaky test that fails on this sha (a real bug on a branch). */
  genuine: TestCase | null;
}

function busy(ms: number): boolean {
  const h = new Date(ms).getUTCHours();
  return isWeekday(ms) && h >= CI.busyHoursUtc[0] && h < CI.busyHoursUtc[1];
}

/** One attempt of workflow "ci": jobs in graph order, each created when its needs completed. */
function attempt(ctx: DemoContext, st: RepoState, push: Push, runId: string, n: number, createdAt: number) {
  const rng = ctx.rng.ci;
  const factor = createdAt >= ctx.cacheAt ? CI.cacheDurationFactor : 1;
  const done = new Map<CiJobName, { ok: boolean; completed: number }>();
  const failed: TestCase[] = [];
  let first = Infinity;
  let last = createdAt;
  for (const job of CI_JOBS) {
    const needs = job.needs.map((x) => done.get(x)!);
    const ready = Math.max(createdAt, ...needs.map((x) => x.completed));
    const base = { kind: 'pipeline_job' as const, repo: st.repo.repo, job_id: `${runId}-${n}-${job.name}` };
    const common = {
      ...base,
      run_id: runId,
      attempt: n,
      workflow: CI.workflow,
      name: job.name,
      needs: [...job.needs],
    };
    if (needs.some((x) => !x.ok)) {
      ctx.emit({ ...common, created_at: new Date(ready), conclusion: 'skipped' });
      done.set(job.name, { ok: false, completed: ready });
      continue;
    }
    const isBusy = busy(ready);
    const queueS = rng.boundedLognormal(
      isBusy ? CI.queueBusyMedianSeconds : CI.queueQuietMedianSeconds,
      CI.queueSigma,
      CI.queueF,
    );
    if (ctx.realised.detail)
      (isBusy ? ctx.realised.queueSeconds.busy : ctx.realised.queueSeconds.quiet).push(queueS);
    const started = ready + Math.round(queueS * 1000);
    const completed =
      started +
      Math.round(
        rng.boundedLognormal(job.medianSeconds, CI.jobSigma, job.f) *
          factor *
          regressionFactor(ctx, job.name, createdAt) *
          1000,
      );
    let ok = true;
    if (job.suite) {
      const genuine = job.suite === 'unit' ? push.genuine : null;
      const r = emitSuite(
        ctx,
        st,
        job.suite,
        { runId, attempt: n, sha: push.sha, branch: push.branch, startedAt: started },
        genuine,
      );
      ok = r.failed.length === 0;
      failed.push(...r.failed);
    }
    ctx.emit({
      ...common,
      stage: job.suite ? 'test' : job.name,
      created_at: new Date(ready),
      started_at: new Date(started),
      completed_at: new Date(completed),
      conclusion: ok ? 'success' : 'failure',
      runner: 'ubuntu-latest',
    });
    done.set(job.name, { ok, completed });
    first = Math.min(first, started);
    last = Math.max(last, completed);
  }
  const ok = failed.length === 0;
  ctx.emit({
    kind: 'pipeline_run',
    repo: st.repo.repo,
    run_id: runId,
    attempt: n,
    workflow: CI.workflow,
    event: push.event,
    branch: push.branch,
    sha: push.sha,
    pr_number: push.prNumber,
    created_at: new Date(createdAt),
    started_at: new Date(first),
    completed_at: new Date(last),
    status: 'completed',
    conclusion: ok ? 'success' : 'failure',
    actor: push.actor,
  });
  return { ok, failed, completed: last };
}

/** A push's CI: attempt 1, and a re-run (attempt 2, same run_id) when only flaky tests failed. */
export function ciRun(ctx: DemoContext, st: RepoState, push: Push): void {
  if (push.at >= ctx.end) return;
  const r = ctx.realised;
  const runId = ctx.nextRunId();
  r.ci.runs++;
  r.ci.attempts++;
  const a1 = attempt(ctx, st, push, runId, 1, push.at);
  if (a1.ok) r.ci.successfulRuns++;
  if (a1.failed.some((t) => !t.flaky)) r.ci.genuineFailures++;
  if (a1.ok || a1.failed.some((t) => !t.flaky)) return;
  const at2 =
    a1.completed + Math.round(ctx.rng.ci.boundedLognormal(CI.rerunDelayMedianMinutes, 0.5, 3) * 60_000);
  if (at2 >= ctx.end) return;
  r.ci.flakyFailures++;
  r.ci.reruns++;
  r.ci.attempts++;
  attempt(ctx, st, push, runId, 2, at2);
  for (const t of a1.failed) r.flakyRealised.add(t.testId);
}
