import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubServer, type GitHubServer } from '../github/server.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';

const END = new Date('2024-06-03T00:00:00Z');
const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

async function withStore<T>(t: TestStore, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore({ databaseUrl: t.config.databaseUrl, duckdbPath: t.config.duckdbPath });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/**
 * The real CLI and the real Octokit against the GitHub-compatible test server serving the demo
 * organisation: what lands in the warehouse must be the demo's own records.
 */
describe.each(ENGINES)('pitwall collect github on %s', (engine) => {
  let t: TestStore;
  let gh: GitHubServer;
  let env: NodeJS.ProcessEnv;
  const collect = (...extra: string[]) =>
    cli(['collect', 'github', '--org', gh.truth!.org, '--api-url', gh.url, '--json', ...extra], { env });

  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    gh = await startGitHubServer({ source: 'demo', demoOptions: { developers: 8, days: 14, end: END } });
    env = {
      GITHUB_TOKEN: 'ghp_test',
      PITWALL_GITHUB_RETRY_BASE_MS: '5',
      ...(t.config.databaseUrl
        ? { DATABASE_URL: t.config.databaseUrl }
        : { PITWALL_DB: t.config.duckdbPath }),
    };
  }, 60_000);
  afterAll(async () => {
    await gh?.stop();
    await t?.cleanup();
  });

  it('reproduces the demo organisation: PRs, reviews, runs, attempts, jobs, deployments, incidents', async () => {
    const r = await collect();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const truth = gh.truth!.records;
    await withStore(t, async (s) => {
      const prs = await s.query<Record<string, unknown>>('select * from pull_requests order by repo, number');
      expect(prs.map((p) => `${p.repo as string}#${p.number as number}`).sort()).toEqual(
        truth.pullRequests.map((p) => `${p.repo}#${p.number}`).sort(),
      );
      const byKey = new Map(truth.pullRequests.map((p) => [`${p.repo}#${p.number}`, p]));
      // First reviews are derived from the reviews by enrichment: the earliest demo review.
      const firstReview = new Map<string, number>();
      for (const r of truth.reviews) {
        const k = `${r.repo}#${r.pr_number}`;
        const at = Date.parse(iso(r.submitted_at)!);
        firstReview.set(k, Math.min(at, firstReview.get(k) ?? Infinity));
      }
      for (const p of prs) {
        const k = `${p.repo as string}#${p.number as number}`;
        const want = byKey.get(k)!;
        const first = firstReview.get(k);
        expect([iso(p.created_at), iso(p.merged_at), iso(p.first_review_at)]).toEqual([
          iso(want.created_at),
          iso(want.merged_at),
          first === undefined ? null : new Date(first).toISOString(),
        ]);
      }
      const bots = (await s.query<{ login: string }>('select login from bot_logins')).map((b) => b.login);
      const botAuthors = new Set(
        truth.pullRequests.filter((p) => p.author.includes('[bot]')).map((p) => p.author),
      );
      for (const b of botAuthors) expect(bots).toContain(b);
      const reviews = await s.query<{ n: number }>('select count(*) as n from reviews');
      expect(Number(reviews[0]!.n)).toBe(truth.reviews.length);
      const runs = await s.query<Record<string, unknown>>(
        'select repo, run_id, attempt, created_at, conclusion from pipeline_runs order by repo, run_id, attempt',
      );
      expect(
        runs
          .map(
            (x) =>
              `${x.repo as string}/${x.run_id as string}/${x.attempt as number}/${iso(x.created_at)}/${x.conclusion as string}`,
          )
          .sort(),
      ).toEqual(
        truth.pipelineRuns
          .map((x) => `${x.repo}/${x.run_id}/${x.attempt ?? 1}/${iso(x.created_at)}/${x.conclusion ?? null}`)
          .sort(),
      );
      const jobs = await s.query<Record<string, unknown>>(
        'select job_id, started_at, completed_at from pipeline_jobs',
      );
      const demoJob = new Map(truth.pipelineJobs.map((j) => [j.job_id, j]));
      expect(jobs.length).toBe(truth.pipelineJobs.length);
      for (const j of jobs) {
        const want = demoJob.get(gh.truth!.jobIds.get(Number(j.job_id))!)!;
        expect([iso(j.started_at), iso(j.completed_at)]).toEqual([
          iso(want.started_at),
          iso(want.completed_at),
        ]);
      }
      const deps = await s.query<Record<string, unknown>>(
        `select repo, sha, started_at, status from deployments where environment = 'production'`,
      );
      const prodTruth = truth.deployments.filter((d) => d.environment === 'production');
      expect(
        deps
          .map((d) => `${d.repo as string}/${d.sha as string}/${iso(d.started_at)}/${d.status as string}`)
          .sort(),
      ).toEqual(
        prodTruth.map((d) => `${d.repo}/${d.sha}/${iso(d.started_at)}/${d.status ?? 'success'}`).sort(),
      );
      const inc = await s.query<Record<string, unknown>>(
        'select service, opened_at, resolved_at, severity from incidents',
      );
      expect(
        inc
          .map(
            (i) => `${i.service as string}/${iso(i.opened_at)}/${iso(i.resolved_at)}/${i.severity as string}`,
          )
          .sort(),
      ).toEqual(
        truth.incidents
          .map((i) => `${i.service}/${iso(i.opened_at)}/${iso(i.resolved_at)}/${i.severity ?? null}`)
          .sort(),
      );
    });
  }, 120_000);

  it('re-collects an unchanged organisation with conditional requests that cost nothing', async () => {
    gh.resetStats();
    const r = await collect();
    expect(r.code).toBe(0);
    const st = gh.stats();
    const repos = gh.truth!.records.repos.length;
    // The events feed is the change probe: one free 304 per repository, plus the org listing's.
    expect(st.byKind['GET /repos/{owner}/{repo}/events']).toBe(repos);
    expect(st.requests).toBeLessThanOrEqual(repos + 1);
    expect(st.notModified).toBe(st.requests);
    expect(st.points.core).toBe(0);
    expect(st.points.graphql).toBe(0);
    const out = JSON.parse(r.stdout) as { repos: { skipped: boolean }[] };
    expect(out.repos.every((x) => x.skipped)).toBe(true);
  }, 60_000);

  it('lists the github sources and their health', async () => {
    const r = await cli(['collectors', 'list', '--json'], { env });
    expect(r.code).toBe(0);
    const gh2 = (JSON.parse(r.stdout) as { id: string; sources: { id: string; healthy: boolean }[] }[]).find(
      (c) => c.id === 'github',
    )!;
    expect(gh2.sources.map((s) => s.id)).toEqual(
      expect.arrayContaining(gh.truth!.records.repos.map((x) => `github:${x.repo}`)),
    );
    expect(gh2.sources.every((s) => s.healthy)).toBe(true);
  });
});
