import pino from 'pino';
import { startGitHubServer, type GitHubServer } from '../test/github/server.js';
import { createClient, graphqlPacing } from '../src/collectors/github/client.js';
import { collectGitHub } from '../src/collectors/github/collect-org.js';
import { configSchema } from '../src/plugins.js';
import { openStore } from '../src/store/open.js';
import { settingsFrom } from '../src/cli/commands/collect-github.js';
import type { Config } from '../src/config/schema.js';
import { ingest } from '../src/ingest/ingest.js';
import { recordsFromWebhook } from '../src/server/webhook-map.js';
import type { Store } from '../src/store/store.js';
import { fmt, type BenchResult } from './harness.js';

/**
 * Requests Pitwall's GitHub collector needs against the per-PR REST approach (list, then one
 * call per PR for the PR, its reviews, review comments, commits and conversation comments, and
 * per run its attempts' jobs), both against the same test server in the same run.
 */
const DEVELOPERS = Number(process.env.BENCH_GH_DEVELOPERS ?? 12);
const DAYS = Number(process.env.BENCH_GH_DAYS ?? 14);
/** At scale: the synthetic organisation (BENCH_GH_REPOS=0 skips it). */
const SCALE = {
  repos: Number(process.env.BENCH_GH_REPOS ?? 50),
  prs: Number(process.env.BENCH_GH_PRS ?? 2000),
  runs: Number(process.env.BENCH_GH_RUNS ?? 2000),
};
/**
 * GraphQL pacing for the loopback server: none by default (Octokit's 1 s between GraphQL
 * requests alone would make 1,000 PR pages take 17 minutes); BENCH_GH_GRAPHQL_INTERVAL_MS=1000
 * measures what real GitHub pacing costs.
 */
const GRAPHQL_INTERVAL_MS = Number(process.env.BENCH_GH_GRAPHQL_INTERVAL_MS ?? 0);
/** Where the at-scale collection reads jobs: REST (default, keeps queue time) or GraphQL check runs. */
const SCALE_JOBS_VIA = process.env.BENCH_GH_JOBS_VIA === 'graphql' ? 'graphql' : 'rest';

/** What `pitwall serve` stores of every run attempt's and job's deliveries, as GitHub sends them. */
async function deliverActions(store: Store, cfg: Config, gh: GitHubServer) {
  let batch: unknown[] = [];
  const add = async (event: 'workflow_run' | 'workflow_job', repo: string, body: unknown) => {
    batch.push(...(await recordsFromWebhook(event, { repository: { full_name: repo }, [event]: body }, cfg)));
    if (batch.length >= 1000) {
      await ingest(store, batch);
      batch = [];
    }
  };
  for (const repo of gh.data.repos.values())
    for (const run of repo.runs) {
      for (const a of run.attempts) await add('workflow_run', repo.rest.full_name, a);
      for (const job of run.jobs) await add('workflow_job', repo.rest.full_name, job);
    }
  await ingest(store, batch);
}

async function pitwall(
  gh: GitHubServer,
  repos: { repo: string; default_branch: string }[],
  github: { jobs_via?: 'rest' | 'graphql'; queue_time_fallback?: 'rest' | 'none' } = {},
  webhooks = false,
) {
  const store = await openStore({ duckdbPath: ':memory:' });
  const cfg = configSchema.parse({
    github: { graphql_min_interval_ms: GRAPHQL_INTERVAL_MS, ...github },
  });
  if (webhooks) await deliverActions(store, cfg, gh);
  const client = createClient({
    auth: { type: 'token', token: 'x' },
    apiUrl: gh.url,
    logger: pino({ level: 'silent' }),
    graphqlMinIntervalMs: GRAPHQL_INTERVAL_MS,
  });
  const run = () =>
    collectGitHub({
      store,
      config: cfg,
      client,
      settings: settingsFrom(cfg, null),
      repos,
      logger: pino({ level: 'silent' }),
      concurrency: 4,
    });
  gh.resetStats();
  const first = await run();
  const s1 = gh.stats();
  gh.resetStats();
  const again = await run();
  const s2 = gh.stats();
  // Each job's queue-time inputs, to compare one way of collecting with another.
  const jobs = JSON.stringify(
    await store.query(
      'select repo, job_id, created_at, started_at, runner from pipeline_jobs order by repo, job_id',
    ),
  );
  await store.close();
  return { first, s1, s2, again, jobs };
}

/** 50 repositories x 2,000 PRs and their runs, from the synthetic source: wall time and requests. */
async function atScale(): Promise<string[]> {
  if (SCALE.repos <= 0) return ['at scale: skipped (BENCH_GH_REPOS=0)'];
  // GitHub's own limits (5,000 an hour) would park the collection for an hour at a time: the
  // server allows everything and the budget the collection needs is reported instead.
  const gh = await startGitHubServer({
    source: 'synthetic',
    syntheticOptions: SCALE,
    rateLimit: { core: 100_000_000, graphql: 100_000_000 },
  });
  try {
    const repos = [...gh.data.repos.values()].map((r) => ({
      repo: r.rest.full_name,
      default_branch: 'main',
    }));
    const merged = [...gh.data.repos.values()].reduce(
      (n, r) => n + r.pulls.filter((p) => p.rest.merged_at).length,
      0,
    );
    const ours = await pitwall(gh, repos, { jobs_via: SCALE_JOBS_VIA });
    const k = ours.s1.byKind;
    const runReq = Object.entries(k)
      .filter(([r]) => r.includes('/actions/'))
      .reduce((n, [, v]) => n + v, 0);
    const runs = SCALE.repos * SCALE.runs;
    const prs = SCALE.repos * SCALE.prs;
    return [
      `at scale (synthetic org): ${SCALE.repos} repos x ${SCALE.prs} PRs (${merged} merged) + ${SCALE.runs} runs each, jobs via ${SCALE_JOBS_VIA}, concurrency 4, DuckDB in memory`,
      `  first collection: ${fmt(ours.first.elapsedMs / 60_000, 2)} min wall (${fmt(prs / (ours.first.elapsedMs / 1000), 0)} PRs/s), ${ours.s1.requests} requests (${k['POST /graphql'] ?? 0} GraphQL = ${fmt(((k['POST /graphql'] ?? 0) * 100) / merged, 2)} per 100 merged PRs; ${runReq} Actions = ${fmt((runReq * 100) / runs)} per 100 runs), ${ours.s1.points.core} core + ${ours.s1.points.graphql} GraphQL points`,
      `  GitHub budget: ${fmt(ours.s1.points.core / 5000, 1)} h of a 5,000/h REST limit and ${fmt(ours.s1.points.graphql / 5000, 1)} h of a 5,000 points/h GraphQL limit (a GitHub App on Enterprise Cloud gets 15,000/h REST); the wall time above assumes no limit`,
      `  re-run unchanged: ${ours.s2.requests} requests (${fmt(ours.s2.requests / SCALE.repos, 2)} per repo), ${ours.s2.points.core} core + ${ours.s2.points.graphql} GraphQL points, ${ours.s2.notModified} answered 304, ${fmt(ours.again.elapsedMs / 1000)} s`,
    ];
  } finally {
    await gh.stop();
  }
}

async function restBaseline(gh: GitHubServer) {
  const { octokit } = createClient({
    auth: { type: 'token', token: 'x' },
    apiUrl: gh.url,
    logger: pino({ level: 'silent' }),
  });
  gh.resetStats();
  for (const { repo } of gh.truth!.records.repos) {
    const [owner, name] = repo.split('/') as [string, string];
    const p = { owner, repo: name, per_page: 100 };
    const pulls = (await octokit.paginate('GET /repos/{owner}/{repo}/pulls', { ...p, state: 'all' })) as {
      number: number;
    }[];
    for (const pr of pulls) {
      const q = { ...p, pull_number: pr.number };
      await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', q);
      await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', q);
      await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/comments', q);
      await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', q);
      await octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...p,
        issue_number: pr.number,
      });
    }
  }
  const prRequests = gh.stats().requests;
  gh.resetStats();
  for (const { repo } of gh.truth!.records.repos) {
    const [owner, name] = repo.split('/') as [string, string];
    const runs = (await octokit.paginate('GET /repos/{owner}/{repo}/actions/runs', {
      owner,
      repo: name,
      per_page: 100,
    })) as unknown as {
      id: number;
      run_attempt?: number;
    }[];
    for (const r of runs)
      for (let a = 1; a <= (r.run_attempt ?? 1); a++) {
        await octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}', {
          owner,
          repo: name,
          run_id: r.id,
          attempt_number: a,
        });
        await octokit.request(
          'GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs',
          { owner, repo: name, run_id: r.id, attempt_number: a, per_page: 100 },
        );
      }
  }
  return { prRequests, runRequests: gh.stats().requests };
}

export async function githubCollectBench(): Promise<BenchResult> {
  const gh = await startGitHubServer({
    source: 'demo',
    demoOptions: { developers: DEVELOPERS, days: DAYS, end: new Date('2024-06-03T00:00:00Z') },
  });
  try {
    const t = gh.truth!.records;
    const prs = t.pullRequests.length;
    const merged = t.pullRequests.filter((p) => p.merged_at).length;
    const runs = new Set(t.pipelineRuns.map((r) => `${r.repo}/${r.run_id}`)).size;
    const repos = t.repos.length;
    const ours = await pitwall(
      gh,
      t.repos.map((r) => ({ repo: r.repo, default_branch: 'main' })),
    );
    const k = ours.s1.byKind;
    const prReq = k['POST /graphql'] ?? 0;
    const runReq = Object.entries(k)
      .filter(([r]) => r.includes('/actions/'))
      .reduce((n, [, v]) => n + v, 0);
    // The same org with jobs from GraphQL check runs (the PR pages are the same requests).
    const repoList = t.repos.map((r) => ({ repo: r.repo, default_branch: 'main' }));
    const gql = await pitwall(gh, repoList, { jobs_via: 'graphql', queue_time_fallback: 'none' });
    // The same with workflow_run and workflow_job webhooks stored first: queue time from the deliveries.
    const hooked = await pitwall(gh, repoList, { jobs_via: 'graphql' }, true);
    const runRequests = (x: typeof gql) =>
      Object.entries(x.s1.byKind)
        .filter(([r]) => r.includes('/actions/'))
        .reduce((n, [, v]) => n + v, 0) +
      (x.s1.byKind['POST /graphql'] ?? 0) -
      prReq;
    const gqlRunReq = runRequests(gql);
    const hookedRunReq = runRequests(hooked);
    const equalJobs = (x: typeof gql) =>
      x.jobs === ours.jobs
        ? 'every job equal to the REST collection'
        : 'jobs DIFFER from the REST collection';
    const rerunReq =
      (gql.s1.byKind['GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs'] ?? 0) +
      (gql.s1.byKind['GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}'] ?? 0);
    const reruns = new Set(
      t.pipelineRuns.filter((r) => (r.attempt ?? 1) > 1).map((r) => `${r.repo}/${r.run_id}`),
    ).size;
    const base = await restBaseline(gh);
    const firstMs = ours.first.elapsedMs;
    return {
      name: 'github-collect',
      lines: [
        `demo org: ${repos} repos, ${prs} PRs (${merged} merged), ${runs} workflow runs (${DEVELOPERS} developers x ${DAYS} days)`,
        `PRs with reviews, comments, commits: ${fmt((prReq * 100) / merged)} requests per 100 merged PRs (GraphQL) vs ${fmt((base.prRequests * 100) / merged)} per-PR REST: ${fmt(base.prRequests / Math.max(1, prReq))}x fewer`,
        `runs with jobs, REST jobs (default, keeps queue time): ${fmt((runReq * 100) / runs)} requests per 100 runs vs ${fmt((base.runRequests * 100) / runs)} per-attempt REST: ${fmt(base.runRequests / Math.max(1, runReq))}x fewer`,
        `runs with jobs, github.jobs_via: graphql + workflow_run/workflow_job webhooks (queue time kept): ${fmt((hookedRunReq * 100) / runs)} requests per 100 runs (goal <= 10): ${fmt(base.runRequests / Math.max(1, hookedRunReq))}x fewer than per-attempt REST; ${equalJobs(hooked)} (created_at, started_at, runner); ${hooked.s1.points.graphql} GraphQL points`,
        `runs with jobs, github.jobs_via: graphql, queue_time_fallback: none, no webhooks: ${fmt((gqlRunReq * 100) / runs)} requests per 100 runs: ${fmt(base.runRequests / Math.max(1, gqlRunReq))}x fewer; ${reruns} of ${runs} runs were re-run and keep REST (${rerunReq} requests), the others cost ${fmt(((gqlRunReq - rerunReq) * 100) / (runs - reruns), 2)} per 100 runs (listing + check runs): ${fmt((base.runRequests * (runs - reruns)) / runs / Math.max(1, gqlRunReq - rerunReq))}x; queue time lost: ${equalJobs(gql)}`,
        `first collection: ${ours.s1.requests} requests, ${ours.s1.points.core} core + ${ours.s1.points.graphql} GraphQL points, ${fmt(firstMs / 1000)} s`,
        `re-run on the unchanged org: ${ours.s2.requests} requests (${fmt(ours.s2.requests / repos, 2)} per repo: the events probe, plus the org listing when listed), ${ours.s2.points.core} core + ${ours.s2.points.graphql} GraphQL points, ${ours.s2.notModified} answered 304`,
        `runs, how: GitHub's GraphQL returns the jobs of 100 runs per request as check runs (nodes(ids: check suites) { checkRuns }), but a CheckRun has no creation time, runner or attempt number. Queue time (ci.jobs.queue_*, github.ci.queue_*) needs the job's created_at: jobs_via: graphql takes it from the workflow_job deliveries pitwall serve stored, a re-run's earlier attempts from its workflow_run deliveries, and lists over REST only the runs with a job none delivered`,
        `GraphQL pacing: ${graphqlPacing(GRAPHQL_INTERVAL_MS)}`,
        ...(await atScale()),
      ],
    };
  } finally {
    await gh.stop();
  }
}
