import type { DemoBuild, JobRecord, RunRecord } from './demo-common.js';
import { ms } from './demo-common.js';
import type { RestJob, RestRun, RunModel } from './model.js';

/** Three steps inside the job's span: setup, the work, teardown (GitHub always shows the first and last). */
function steps(b: DemoBuild, name: string, started: number, completed: number, conclusion: string) {
  const setupEnd = Math.min(started + 2_000, completed);
  const teardown = Math.max(setupEnd, completed - 1_000);
  const step = (number: number, stepName: string, from: number, to: number) => ({
    name: stepName,
    status: 'completed',
    conclusion: number === 2 ? conclusion : 'success',
    number,
    started_at: b.localTime(from),
    completed_at: b.localTime(to),
  });
  return [
    step(1, 'Set up job', started, setupEnd),
    step(2, `Run ${name}`, setupEnd, teardown),
    step(3, 'Complete job', teardown, completed),
  ];
}

/**
 * A repo's workflow runs. GitHub numbers runs per workflow in creation order and keeps a run's
 * `created_at` across re-runs; `run_started_at` is each attempt's own start, which is the demo
 * attempt's `created_at`.
 */
export function buildRuns(
  b: DemoBuild,
  repo: { full: string; id: number; index: number },
  runs: RunRecord[],
  jobs: JobRecord[],
  titles: Map<number, string>,
  jobIds: Map<number, string>,
): RunModel[] {
  const base = `${b.apiUrl}/repos/${repo.full}`;
  const byRun = new Map<string, RunRecord[]>();
  for (const r of runs) byRun.set(r.run_id, [...(byRun.get(r.run_id) ?? []), r]);
  const jobsByRun = new Map<string, JobRecord[]>();
  for (const j of jobs) jobsByRun.set(j.run_id, [...(jobsByRun.get(j.run_id) ?? []), j]);
  const ordered = [...byRun.values()]
    .map((attempts) => attempts.sort((x, y) => (x.attempt ?? 1) - (y.attempt ?? 1)))
    .sort(
      (x, y) => ms(x[0]!.created_at) - ms(y[0]!.created_at) || Number(x[0]!.run_id) - Number(y[0]!.run_id),
    );
  const workflowId = 5_000_000 + repo.index;
  return ordered.map((attempts, k) => {
    const first = attempts[0]!;
    const id = Number(first.run_id);
    const restAttempts: RestRun[] = attempts.map((a) => {
      const n = a.attempt ?? 1;
      const actor = a.actor ? b.user(a.actor) : null;
      const pr = a.pr_number ?? null;
      return {
        id,
        name: a.workflow,
        node_id: `WFR_${id}`,
        head_branch: a.branch ?? null,
        head_sha: a.sha!,
        path: `.github/workflows/${a.workflow}.yml`,
        display_title: (pr !== null ? titles.get(pr) : null) ?? `Push to ${a.branch ?? 'main'}`,
        run_number: k + 1,
        event: a.event ?? 'push',
        status: a.status ?? 'completed',
        conclusion: a.conclusion ?? null,
        workflow_id: workflowId,
        url: `${base}/actions/runs/${id}`,
        html_url: `https://github.com/${repo.full}/actions/runs/${id}`,
        pull_requests:
          pr === null
            ? []
            : [
                {
                  number: pr,
                  url: `${base}/pulls/${pr}`,
                  head: { ref: a.branch, sha: a.sha },
                  base: { ref: 'main' },
                },
              ],
        created_at: b.time(first.created_at),
        updated_at: b.time(a.completed_at ?? a.created_at),
        actor,
        triggering_actor: actor,
        run_attempt: n,
        run_started_at: b.time(a.created_at),
        jobs_url: `${base}/actions/runs/${id}/jobs`,
        // Every workflow run is a check suite (one per run, across its attempts).
        check_suite_id: 9_000_000_000 + id,
        check_suite_node_id: `CS_${id}`,
        previous_attempt_url: n > 1 ? `${base}/actions/runs/${id}/attempts/${n - 1}` : null,
        workflow_url: `${base}/actions/workflows/${workflowId}`,
        repository: { id: repo.id, name: repo.full.split('/')[1], full_name: repo.full },
      };
    });
    const restJobs: RestJob[] = (jobsByRun.get(first.run_id) ?? []).map((j) => {
      const jobId = b.next('job', 30_000_000_000);
      jobIds.set(jobId, j.job_id);
      const attempt = restAttempts[(j.attempt ?? 1) - 1]!;
      const created = ms(j.created_at!);
      // GitHub gives skipped jobs a zero-length span and no runner.
      const started = j.started_at ? ms(j.started_at) : created;
      const completed = j.completed_at ? ms(j.completed_at) : started;
      const conclusion = j.conclusion ?? 'success';
      const skipped = conclusion === 'skipped';
      const job: RestJob = {
        id: jobId,
        run_id: id,
        workflow_name: j.workflow,
        head_branch: attempt.head_branch,
        head_sha: attempt.head_sha,
        run_url: `${base}/actions/runs/${id}`,
        run_attempt: j.attempt ?? 1,
        node_id: `CR_${jobId}`,
        url: `${base}/actions/jobs/${jobId}`,
        html_url: `https://github.com/${repo.full}/actions/runs/${id}/job/${jobId}`,
        status: 'completed',
        conclusion,
        created_at: b.time(created),
        started_at: b.time(started),
        completed_at: b.time(completed),
        name: j.name,
        steps: skipped ? [] : steps(b, j.name, started, completed, conclusion),
        check_run_url: `${base}/check-runs/${jobId}`,
        labels: [j.runner ?? 'ubuntu-latest'],
        runner_id: skipped ? null : 1 + (jobId % 20),
        runner_name: skipped ? null : `GitHub Actions ${1 + (jobId % 20)}`,
        runner_group_id: skipped ? null : 2,
        runner_group_name: skipped ? null : 'GitHub Actions',
      };
      if (b.quirks.jobsWithoutCreatedAt) delete job.created_at;
      return job;
    });
    return { id, attempts: restAttempts, jobs: restJobs };
  });
}
