import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testOctokit } from './client.js';
import { FIXTURES_DIR, fixturesAvailable } from './fixture-source.js';
import { startGitHubServer, type GitHubServer } from './server.js';

const present = fixturesAvailable();
if (!present)
  console.warn(
    `skipping recorded GitHub fixture tests: ${FIXTURES_DIR} is absent (it sits beside the project, not in it)`,
  );

describe.skipIf(!present)(
  'GitHub test server: recorded responses (panjf2000/ants, Kesin11/actions-timeline)',
  () => {
    let gh: GitHubServer;
    beforeAll(async () => {
      gh = await startGitHubServer({ source: 'fixtures', pageSize: 20 });
    });
    afterAll(() => gh.stop());

    it('serves the recorded runs and jobs with their quirks', async () => {
      const { octokit } = testOctokit(gh.url);
      const runs = await octokit.paginate('GET /repos/{owner}/{repo}/actions/runs', {
        owner: 'panjf2000',
        repo: 'ants',
        per_page: 100,
      });
      expect(runs.length).toBe(35);
      const reruns = runs.filter((r) => (r.run_attempt ?? 1) > 1);
      expect(reruns.length).toBeGreaterThan(0);
      const sameNumber = reruns.filter((r) =>
        reruns.some((o) => o.id !== r.id && o.run_number === r.run_number && o.workflow_id === r.workflow_id),
      );
      expect(sameNumber.length).toBeGreaterThan(0);
      const model = gh.data.repos.get('panjf2000/ants')!;
      const jobRun = model.runs.find((r) => r.jobs.length > 0)!;
      const jobs = await octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', {
        owner: 'panjf2000',
        repo: 'ants',
        run_id: jobRun.id,
      });
      expect(jobs.data.total_count).toBe(jobRun.jobs.length);
      expect(jobs.data.jobs.every((j) => !('created_at' in j))).toBe(true);
      expect(jobs.data.jobs[0]!.steps![0]!.started_at).toMatch(/\+08:00$/);
      const timeline = await octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', {
        owner: 'Kesin11',
        repo: 'actions-timeline',
        run_id: 5977929222,
      });
      expect(timeline.data.jobs[0]!.created_at).toMatch(/Z$/);
      expect(timeline.data.jobs[0]!.steps![0]!.started_at).toMatch(/\+09:00$/);
    });

    it('serves pull requests, reviews, review comments and commits per PR (REST and GraphQL)', async () => {
      const { octokit } = testOctokit(gh.url);
      const pulls = await octokit.paginate('GET /repos/{owner}/{repo}/pulls', {
        owner: 'panjf2000',
        repo: 'ants',
        state: 'all',
        per_page: 100,
      });
      // The recording holds PR #4 twice (pages shifted while it was fetched); GitHub holds it once.
      expect(pulls.length).toBe(49);
      const model = gh.data.repos.get('panjf2000/ants')!;
      const count = (f: (p: (typeof model.pulls)[number]) => number) =>
        model.pulls.reduce((s, p) => s + f(p), 0);
      expect(count((p) => p.reviews.length)).toBe(31);
      expect(count((p) => p.reviewComments.length)).toBe(16);
      expect(count((p) => p.commits.length)).toBe(91);
      const reviews = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
        owner: 'panjf2000',
        repo: 'ants',
        pull_number: 41,
      });
      expect(reviews.data.length).toBe(model.pulls.find((p) => p.rest.number === 41)!.reviews.length);
      const g = await octokit.graphql<{
        repository: {
          pullRequests: { totalCount: number; nodes: { number: number; commits: { totalCount: number } }[] };
        };
      }>(
        '{ repository(owner: "panjf2000", name: "ants") { pullRequests(first: 100) { totalCount nodes { number commits(first: 1) { totalCount } } } } }',
      );
      expect(g.repository.pullRequests.totalCount).toBe(49);
      expect(g.repository.pullRequests.nodes.reduce((s, n) => s + n.commits.totalCount, 0)).toBe(91);
    });
  },
);
