import type { AnyRecordInput } from '../../domain/records.js';
import { placeholders } from '../../store/store.js';
import { conditionalGet } from './conditional.js';
import { checkRunJobs, runsLackingQueueTime } from './graphql-jobs.js';
import { mapJob, mapRun } from './map-actions.js';
import { deploymentFromRun } from './map-delivery.js';
import { anyMatch } from './normalize.js';
import { restJobList, restRun, restRunList, type RestJob, type RestRun } from './rest-schemas.js';
import { minIso, type Batches, type RepoContext } from './repo-context.js';

/** `runs_seen` value: created|attempt|status|updated_at. Created is kept to prune old entries. */
const PAGES_KEY = '#runs_pages';

const signature = (r: RestRun) =>
  `${r.created_at}|${r.run_attempt ?? 1}|${r.status ?? ''}|${r.updated_at ?? ''}`;
const parseSig = (s: string) => {
  const [created = '', attempt = '1', status = ''] = s.split('|');
  return { created, attempt: Number(attempt) || 1, status: status.toLowerCase() };
};

async function jobsOf(ctx: RepoContext, run: RestRun): Promise<RestJob[]> {
  const jobs: RestJob[] = [];
  // filter=all: every attempt's jobs in one listing, instead of one listing per attempt.
  for (let page = 1; ; page++) {
    const r = await conditionalGet(
      ctx.octokit,
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
      { owner: ctx.owner, repo: ctx.name, run_id: run.id, filter: 'all', per_page: 100, page },
      restJobList,
      null,
    );
    if (r.notModified) break;
    jobs.push(...r.data.jobs);
    if (!r.hasNext) break;
  }
  return jobs;
}

/** Attempts of these runs the store has completed (a `workflow_run` delivery, or an earlier collection). */
async function completedAttempts(ctx: RepoContext, runs: readonly RestRun[]): Promise<Set<string>> {
  const ids = runs.filter((r) => (r.run_attempt ?? 1) > 1).map((r) => String(r.id));
  if (!ids.length) return new Set();
  const rows = await ctx.store.query<{ run_id: string; attempt: number }>(
    `select run_id, attempt from pipeline_runs where repo = $1 and status = 'completed' and run_id in (${placeholders(ids.length, 2)})`,
    [ctx.repo, ...ids],
  );
  return new Set(rows.map((r) => `${r.run_id}#${Number(r.attempt)}`));
}

/** Earlier attempts the warehouse does not have final yet; the listing shows only the latest. */
async function earlierAttempts(
  ctx: RepoContext,
  run: RestRun,
  seenAttempt: number | null,
  completed: ReadonlySet<string>,
): Promise<RestRun[]> {
  const out: RestRun[] = [];
  for (let a = seenAttempt ?? 1; a < (run.run_attempt ?? 1); a++) {
    if (completed.has(`${run.id}#${a}`)) continue;
    const r = await conditionalGet(
      ctx.octokit,
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}',
      { owner: ctx.owner, repo: ctx.name, run_id: run.id, attempt_number: a },
      restRun,
      null,
    );
    if (!r.notModified) out.push(r.data);
  }
  return out;
}

/**
 * Workflow runs created since the cursor (newest first, 100 a page, conditional), and for each
 * run that is new or changed, its earlier attempts and the jobs of every attempt.
 */
export async function* workflowRuns(ctx: RepoContext): Batches {
  const since = ctx.previous.runs_since ?? ctx.settings.since?.toISOString() ?? null;
  const isDeploy = ctx.settings.deployWorkflowPattern ? anyMatch([ctx.settings.deployWorkflowPattern]) : null;
  const seen = ctx.next.runs_seen;
  // How many pages the listing had last time: a 304 on the last one ends the listing for free.
  const lastPages = Number(ctx.etags.old[PAGES_KEY] ?? 1);
  let page = 1;
  for (; ; page++) {
    const r = await conditionalGet(
      ctx.octokit,
      'GET /repos/{owner}/{repo}/actions/runs',
      {
        owner: ctx.owner,
        repo: ctx.name,
        per_page: ctx.settings.pageSize,
        page,
        ...(since ? { created: `>=${since}` } : {}),
      },
      restRunList,
      ctx.etags,
    );
    if (r.notModified) {
      // Same page as last time: every run on it was collected then.
      if (page >= lastPages) break;
      continue;
    }
    const batch: AnyRecordInput[] = [];
    const changed = r.data.workflow_runs.filter((run) => seen[String(run.id)] !== signature(run));
    // One GraphQL request for the jobs of up to 100 runs, when configured; a run with a job
    // whose queue time no webhook delivery stored is listed over REST too, unless told not to.
    const checked = ctx.settings.queueTimeFallback === 'rest';
    const bulk =
      ctx.settings.jobsVia === 'graphql'
        ? await checkRunJobs(ctx, changed, checked)
        : new Map<number, RestJob[]>();
    if (bulk.size && checked) for (const id of await runsLackingQueueTime(ctx, bulk)) bulk.delete(id);
    const completed = await completedAttempts(ctx, changed);
    for (const run of changed) {
      const sig = signature(run);
      const before = seen[String(run.id)];
      const workflow = run.name || run.path || 'workflow';
      for (const a of await earlierAttempts(ctx, run, before ? parseSig(before).attempt : null, completed))
        batch.push(mapRun(ctx.repo, a));
      batch.push(mapRun(ctx.repo, run));
      const jobs = bulk.get(run.id) ?? (await jobsOf(ctx, run));
      for (const j of jobs) batch.push(mapJob(ctx.repo, workflow, j));
      if (isDeploy) batch.push(...deploymentFromRun(ctx, run, jobs, isDeploy));
      seen[String(run.id)] = sig;
    }
    if (batch.length) yield batch;
    if (!r.hasNext || r.data.workflow_runs.length === 0) break;
  }
  ctx.etags.next[PAGES_KEY] = String(page);
  ctx.next.runs_since = nextRunsSince(seen, ctx.settings.rerunLookbackHours) ?? since;
  for (const [id, s] of Object.entries(seen))
    if (ctx.next.runs_since && new Date(parseSig(s).created) < new Date(ctx.next.runs_since)) delete seen[id];
}

/** The oldest unfinished run, or the re-run lookback before the newest run, whichever is earlier. */
function nextRunsSince(seen: Record<string, string>, lookbackHours: number): string | null {
  let newest: string | null = null;
  let oldestOpen: string | null = null;
  for (const s of Object.values(seen)) {
    const p = parseSig(s);
    if (!newest || new Date(p.created) > new Date(newest)) newest = p.created;
    if (p.status !== 'completed') oldestOpen = minIso(oldestOpen, p.created);
  }
  if (!newest) return null;
  const lookback = new Date(new Date(newest).getTime() - lookbackHours * 3_600_000).toISOString();
  return minIso(oldestOpen, lookback);
}
