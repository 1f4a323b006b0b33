import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubServer, type GitHubServer } from '../github/server.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { openStore } from '../../src/store/open.js';

const END = new Date('2024-06-03T00:00:00Z');
const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/**
 * `github.jobs_via: graphql` with `queue_time_fallback: none`: the jobs of single-attempt runs
 * come from check suites, 100 runs a request; re-run runs keep REST. Times and conclusions are
 * the demo's; queue time is not known for the GraphQL-read jobs (GitHub's CheckRun has no
 * creation time, and no webhook delivered one). test/github/queue-time-webhooks.test.ts covers
 * the default fallback.
 */
describe.each(ENGINES)('pitwall collect github with jobs from GraphQL on %s', (engine) => {
  let t: TestStore;
  let gh: GitHubServer;
  let dir: string;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    dir = mkdtempSync(join(tmpdir(), 'pitwall-gqljobs-'));
    writeFileSync(
      join(dir, 'pitwall.yaml'),
      'github:\n  jobs_via: graphql\n  queue_time_fallback: none\n  graphql_min_interval_ms: 0\n',
    );
    gh = await startGitHubServer({ source: 'demo', demoOptions: { developers: 8, days: 14, end: END } });
  }, 60_000);
  afterAll(async () => {
    await gh?.stop();
    await t?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('collects every job with its times from check runs, in one request per 100 runs', async () => {
    const r = await cli(['collect', 'github', '--org', gh.truth!.org, '--api-url', gh.url, '--json'], {
      env: {
        GITHUB_TOKEN: 'ghp_test',
        PITWALL_CONFIG: join(dir, 'pitwall.yaml'),
        ...(t.config.databaseUrl
          ? { DATABASE_URL: t.config.databaseUrl }
          : { PITWALL_DB: t.config.duckdbPath }),
      },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const truth = gh.truth!.records;
    const attempts = new Map<string, number>();
    for (const x of truth.pipelineRuns)
      attempts.set(
        `${x.repo}/${x.run_id}`,
        Math.max(attempts.get(`${x.repo}/${x.run_id}`) ?? 0, x.attempt ?? 1),
      );
    const reruns = [...attempts.values()].filter((n) => n > 1).length;
    expect(reruns).toBeGreaterThan(0);
    const st = gh.stats();
    // REST job listings only for re-run runs; every other run's jobs came in bulk.
    expect(st.byKind['GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs']).toBe(reruns);
    const listings = st.byKind['GET /repos/{owner}/{repo}/actions/runs'] ?? 0;
    expect(st.byKind['POST /graphql']).toBeLessThanOrEqual(truth.repos.length + listings);

    const s = await openStore({ databaseUrl: t.config.databaseUrl, duckdbPath: t.config.duckdbPath });
    try {
      const jobs = await s.query<Record<string, unknown>>(
        'select repo, run_id, job_id, created_at, started_at, completed_at, conclusion from pipeline_jobs',
      );
      expect(jobs.length).toBe(truth.pipelineJobs.length);
      const demoJob = new Map(truth.pipelineJobs.map((j) => [j.job_id, j]));
      for (const j of jobs) {
        const want = demoJob.get(gh.truth!.jobIds.get(Number(j.job_id))!)!;
        expect([iso(j.started_at), iso(j.completed_at), j.conclusion]).toEqual([
          iso(want.started_at),
          iso(want.completed_at),
          want.conclusion ?? 'success',
        ]);
        const rerun = (attempts.get(`${j.repo as string}/${j.run_id as string}`) ?? 1) > 1;
        // Queue time is known only where REST was read.
        expect(j.created_at === null).toBe(!rerun);
      }
    } finally {
      await s.close();
    }
  }, 120_000);
});
