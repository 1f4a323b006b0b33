import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testOctokit } from './client.js';
import { startGitHubServer, type GitHubServer } from './server.js';

const demoOptions = { developers: 8, days: 14, end: new Date('2024-05-01T00:00:00Z') };
const auth = { authorization: 'token test-token' };
const ms = (v: string | number | Date) => new Date(v).getTime();

describe('GitHub test server: REST over the demo org', () => {
  let gh: GitHubServer;
  let repo: string;
  beforeAll(async () => {
    gh = await startGitHubServer({ source: 'demo', demoOptions });
    repo = gh.truth!.records.repos[0]!.repo;
  });
  afterAll(() => gh.stop());

  it('walks every page through the Link header and serves each demo PR once', async () => {
    const numbers: number[] = [];
    let next: string | null | undefined = `${gh.url}/repos/${repo}/pulls?state=all&per_page=5`;
    let pages = 0;
    while (next) {
      const res: Response = await fetch(next, { headers: auth });
      expect(res.status).toBe(200);
      numbers.push(...((await res.json()) as { number: number }[]).map((p) => p.number));
      next = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? null;
      pages++;
    }
    const truth = gh.truth!.records.pullRequests.filter((p) => p.repo === repo).map((p) => p.number);
    expect(pages).toBe(Math.ceil(truth.length / 5));
    expect(numbers.sort((a, b) => a - b)).toEqual(truth.sort((a, b) => a - b));
  });

  it('Octokit paginates workflow runs and jobs; times and attempts match the demo records', async () => {
    const { octokit } = testOctokit(gh.url);
    const [owner, name] = repo.split('/') as [string, string];
    const runs = await octokit.paginate('GET /repos/{owner}/{repo}/actions/runs', {
      owner,
      repo: name,
      per_page: 7,
    });
    const truthRuns = gh.truth!.records.pipelineRuns.filter((r) => r.repo === repo);
    expect(runs.length).toBe(new Set(truthRuns.map((r) => r.run_id)).size);
    const rerun = truthRuns.find((r) => r.attempt === 2);
    const sample = rerun ?? truthRuns[0]!;
    const listed = runs.find((r) => Number(r.id) === Number(sample.run_id))!;
    expect(listed.run_attempt).toBe(sample.attempt ?? 1);
    expect(ms(listed.run_started_at!)).toBe(ms(sample.created_at));
    const jobs = await octokit.paginate('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', {
      owner,
      repo: name,
      run_id: Number(listed.id),
      filter: 'all',
      per_page: 3,
    });
    const truthJobs = gh.truth!.records.pipelineJobs.filter((j) => j.run_id === sample.run_id);
    expect(jobs.length).toBe(truthJobs.length);
    for (const job of jobs) {
      const t = truthJobs.find((j) => j.job_id === gh.truth!.jobIds.get(Number(job.id)))!;
      expect(job.run_attempt).toBe(t.attempt ?? 1);
      expect(ms(job.created_at)).toBe(ms(t.created_at!));
      if (t.started_at) expect(ms(job.started_at)).toBe(ms(t.started_at));
    }
    const attempt = await octokit.request(
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs',
      {
        owner,
        repo: name,
        run_id: Number(listed.id),
        attempt_number: 1,
      },
    );
    expect(attempt.data.jobs.every((j) => j.run_attempt === 1)).toBe(true);
  });

  it('filters runs by a created range', async () => {
    const all = gh.truth!.records.pipelineRuns.filter((r) => r.repo === repo && (r.attempt ?? 1) === 1);
    const from = '2024-04-24';
    const res = await fetch(`${gh.url}/repos/${repo}/actions/runs?created=>=${from}&per_page=100`, {
      headers: auth,
    });
    const body = (await res.json()) as { total_count: number; workflow_runs: { created_at: string }[] };
    expect(body.total_count).toBe(all.filter((r) => ms(r.created_at) >= ms(from)).length);
    expect(body.workflow_runs.every((r) => ms(r.created_at) >= ms(from))).toBe(true);
  });

  it('answers If-None-Match with a free 304 and counts it', async () => {
    const url = `${gh.url}/repos/${repo}/pulls?state=all`;
    const first = await fetch(url, { headers: auth });
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    const remaining = Number(first.headers.get('x-ratelimit-remaining'));
    const before = gh.stats();
    const again = await fetch(url, { headers: { ...auth, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(Number(again.headers.get('x-ratelimit-remaining'))).toBe(remaining);
    const after = gh.stats();
    expect(after.notModified - before.notModified).toBe(1);
    expect(after.points.core).toBe(before.points.core);
    const next = await fetch(`${gh.url}/repos/${repo}`, { headers: auth });
    expect(Number(next.headers.get('x-ratelimit-remaining'))).toBe(remaining - 1);
    expect(next.headers.get('x-ratelimit-resource')).toBe('core');
  });

  it('serves the events feed newest first, conditional, and changes it when the data changes', async () => {
    const url = `${gh.url}/repos/${repo}/events?per_page=100`;
    const first = await fetch(url, { headers: auth });
    expect(first.status).toBe(200);
    const events = (await first.json()) as {
      id: string;
      type: string;
      created_at: string;
      repo: { name: string };
      actor: { login: string };
    }[];
    expect(events.length).toBe(100);
    for (const t of ['PushEvent', 'PullRequestEvent', 'PullRequestReviewEvent'])
      expect(events.some((e) => e.type === t)).toBe(true);
    for (const e of events) {
      expect(e.id).toMatch(/^\d+$/);
      expect(e.repo.name).toBe(repo);
    }
    const times = events.map((e) => ms(e.created_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const etag = first.headers.get('etag')!;
    const again = await fetch(url, { headers: { ...auth, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    // A new review is a new event: the feed, and so its ETag, moves.
    const model = gh.data.repos.get(repo.toLowerCase())!;
    const pull = model.pulls.at(-1)!;
    const review = {
      id: 99_999_999,
      user: { login: 'late-reviewer', id: 1, type: 'User' },
      state: 'APPROVED',
      submitted_at: '2030-01-01T00:00:00Z',
    };
    pull.reviews.push(review);
    try {
      const changed = await fetch(url, { headers: { ...auth, 'if-none-match': etag } });
      expect(changed.status).toBe(200);
      const top = ((await changed.json()) as { type: string; actor: { login: string } }[])[0]!;
      expect(top).toMatchObject({ type: 'PullRequestReviewEvent', actor: { login: 'late-reviewer' } });
    } finally {
      pull.reviews.pop();
    }
    expect((await fetch(url, { headers: { ...auth, 'if-none-match': etag } })).status).toBe(304);
  });

  it('requires a token and serves Enterprise Server paths', async () => {
    expect((await fetch(`${gh.url}/orgs/demo/repos`)).status).toBe(401);
    const ghes = await fetch(`${gh.enterpriseUrl}/orgs/demo/repos`, {
      headers: { authorization: 'Bearer x' },
    });
    expect(((await ghes.json()) as unknown[]).length).toBe(gh.truth!.records.repos.length);
    expect((await fetch(`${gh.url}/nope`, { headers: auth })).status).toBe(404);
  });

  it('serves per-PR reviews, commits and comments, deployments and incident issues', async () => {
    const { octokit } = testOctokit(gh.url);
    const [owner, name] = repo.split('/') as [string, string];
    const pr = gh.truth!.records.pullRequests.find((p) => p.repo === repo && (p.comments ?? 0) > 0)!;
    const reviews = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
      owner,
      repo: name,
      pull_number: pr.number,
    });
    const truthReviews = gh.truth!.records.reviews.filter(
      (r) => r.repo === repo && r.pr_number === pr.number,
    );
    expect(reviews.data.map((r) => gh.truth!.reviewIds.get(Number(r.id))).sort()).toEqual(
      truthReviews.map((r) => r.review_id).sort(),
    );
    expect(reviews.data.map((r) => ms(r.submitted_at!)).sort()).toEqual(
      truthReviews.map((r) => ms(r.submitted_at)).sort(),
    );
    const comments = await octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner,
      repo: name,
      issue_number: pr.number,
    });
    expect(comments.data.length).toBe(pr.comments);
    const commits = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', {
      owner,
      repo: name,
      pull_number: pr.number,
    });
    expect(ms(commits.data[0]!.commit.author!.date!)).toBe(ms(pr.first_commit_at!));
    const deployments = await octokit.paginate('GET /repos/{owner}/{repo}/deployments', {
      owner,
      repo: name,
      per_page: 100,
    });
    expect(deployments.length).toBe(gh.truth!.records.deployments.filter((d) => d.repo === repo).length);
    const statuses = await octokit.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      owner,
      repo: name,
      deployment_id: Number(deployments[0]!.id),
    });
    expect(statuses.data.at(-1)!.state).toBe('in_progress');
    const incidents = [...gh.data.repos.values()].flatMap((r) => r.issues);
    for (const r of gh.truth!.records.repos) {
      const res = await fetch(`${gh.url}/repos/${r.repo}/issues?labels=incident&state=all&per_page=100`, {
        headers: auth,
      });
      const list = (await res.json()) as { number: number }[];
      expect(list.every((i) => gh.truth!.incidentIssues.has(`${r.repo}#${i.number}`))).toBe(true);
    }
    expect(incidents.length).toBe(gh.truth!.records.incidents.length);
  });
});
