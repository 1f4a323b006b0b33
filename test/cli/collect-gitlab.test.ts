import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitLabServer, type GitLabServer } from '../gitlab/server.js';
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
 * The real CLI against the GitLab-compatible server serving the demo organisation as a group:
 * what lands in the warehouse must be the demo's own records, as through GitHub.
 */
describe.each(ENGINES)('pitwall collect gitlab on %s', (engine) => {
  let t: TestStore;
  let gl: GitLabServer;
  let env: NodeJS.ProcessEnv;
  const collect = (...extra: string[]) =>
    cli(
      ['collect', 'gitlab', '--group', `${gl.truth!.group}`, '--base-url', `${gl.url}`, '--json', ...extra],
      { env },
    );

  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    gl = await startGitLabServer({ source: 'demo', demoOptions: { developers: 8, days: 14, end: END } });
    env = {
      GITLAB_TOKEN: 'glpat-test-secret',
      PITWALL_GITLAB_RETRY_BASE_MS: '5',
      ...(t.config.databaseUrl
        ? { DATABASE_URL: t.config.databaseUrl }
        : { PITWALL_DB: t.config.duckdbPath }),
    };
  }, 60_000);
  afterAll(async () => {
    await gl?.stop();
    await t?.cleanup();
  });

  it('reproduces the demo organisation: MRs, reviews, pipelines, retries, jobs, deployments, incidents', async () => {
    const r = await collect();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('glpat-test-secret');
    const truth = gl.truth!.records;
    await withStore(t, async (s) => {
      const prs = await s.query<Record<string, unknown>>('select * from pull_requests order by repo, number');
      expect(prs.map((p) => `${p.repo as string}#${p.number as number}`).sort()).toEqual(
        truth.pullRequests.map((p) => `${p.repo}#${p.number}`).sort(),
      );
      const byKey = new Map(truth.pullRequests.map((p) => [`${p.repo}#${p.number}`, p]));
      const firstReview = new Map<string, number>();
      for (const rv of truth.reviews) {
        const k = `${rv.repo}#${rv.pr_number}`;
        firstReview.set(k, Math.min(Date.parse(iso(rv.submitted_at)!), firstReview.get(k) ?? Infinity));
      }
      for (const p of prs) {
        const k = `${p.repo as string}#${p.number as number}`;
        const want = byKey.get(k)!;
        const first = firstReview.get(k);
        expect([iso(p.created_at), iso(p.merged_at), iso(p.first_review_at), p.merge_sha ?? null]).toEqual([
          iso(want.created_at),
          iso(want.merged_at),
          first === undefined ? null : new Date(first).toISOString(),
          want.merged_at ? (want.merge_sha ?? null) : null,
        ]);
      }
      const reviews = await s.query<{ state: string; n: number }>(
        'select state, count(*) as n from reviews group by state',
      );
      const want = new Map<string, number>();
      for (const rv of truth.reviews) want.set(rv.state, (want.get(rv.state) ?? 0) + 1);
      expect(Object.fromEntries(reviews.map((x) => [x.state, Number(x.n)]))).toEqual(
        Object.fromEntries(want),
      );
      const commits = await s.query<{ sha: string; pr_number: number }>('select sha, pr_number from commits');
      expect(commits.map((c) => `${c.sha}/${c.pr_number}`).sort()).toEqual(
        truth.commits
          .filter((c) => c.pr_number != null)
          .map((c) => `${c.sha}/${c.pr_number}`)
          .sort(),
      );
      const runs = await s.query<Record<string, unknown>>(
        'select repo, run_id, attempt, created_at, completed_at, conclusion from pipeline_runs',
      );
      expect(
        runs
          .map(
            (x) =>
              `${x.repo as string}/${x.run_id as string}/${x.attempt as number}/${iso(x.created_at)}/${iso(x.completed_at)}/${x.conclusion as string}`,
          )
          .sort(),
      ).toEqual(
        truth.pipelineRuns
          .map(
            (x) =>
              `${x.repo}/${x.run_id}/${x.attempt ?? 1}/${iso(x.created_at)}/${iso(x.completed_at)}/${x.conclusion ?? null}`,
          )
          .sort(),
      );
      const jobs = await s.query<Record<string, unknown>>(
        'select job_id, attempt, created_at, started_at, completed_at, needs, conclusion from pipeline_jobs',
      );
      const demoJob = new Map(truth.pipelineJobs.map((j) => [j.job_id, j]));
      expect(jobs.length).toBe(truth.pipelineJobs.length);
      for (const j of jobs) {
        const w = demoJob.get(gl.truth!.jobIds.get(Number(j.job_id))!)!;
        const needs = typeof j.needs === 'string' ? (JSON.parse(j.needs) as string[]) : j.needs;
        expect([
          j.attempt,
          iso(j.created_at),
          iso(j.started_at),
          iso(j.completed_at),
          needs,
          j.conclusion,
        ]).toEqual([
          w.attempt ?? 1,
          iso(w.created_at),
          iso(w.started_at),
          iso(w.completed_at),
          w.needs ?? [],
          w.conclusion ?? null,
        ]);
      }
      const deps = await s.query<Record<string, unknown>>(
        `select repo, sha, started_at, finished_at, status from deployments where environment = 'production'`,
      );
      expect(
        deps
          .map(
            (d) =>
              `${d.repo as string}/${d.sha as string}/${iso(d.started_at)}/${iso(d.finished_at)}/${d.status as string}`,
          )
          .sort(),
      ).toEqual(
        truth.deployments
          .filter((d) => d.environment === 'production')
          .map(
            (d) => `${d.repo}/${d.sha}/${iso(d.started_at)}/${iso(d.finished_at)}/${d.status ?? 'success'}`,
          )
          .sort(),
      );
      const inc = await s.query<Record<string, unknown>>(
        'select service, opened_at, resolved_at, severity, source from incidents',
      );
      expect(
        inc
          .map(
            (i) =>
              `${i.service as string}/${iso(i.opened_at)}/${iso(i.resolved_at)}/${i.severity as string}/${i.source as string}`,
          )
          .sort(),
      ).toEqual(
        truth.incidents
          .map((i) => `${i.service}/${iso(i.opened_at)}/${iso(i.resolved_at)}/${i.severity ?? null}/gitlab`)
          .sort(),
      );
    });
  }, 120_000);

  it('re-collects an unchanged group with one request per project (plus the group listing)', async () => {
    gl.resetStats();
    const r = await collect();
    expect(r.code).toBe(0);
    const st = gl.stats();
    const projects = gl.truth!.records.repos.length;
    for (const [project, n] of Object.entries(st.byProject)) expect(n, project).toBe(1);
    expect(st.requests).toBeLessThanOrEqual(projects + 1);
    const out = JSON.parse(r.stdout) as { projects: { skipped: boolean }[] };
    expect(out.projects.length).toBe(projects);
    expect(out.projects.every((x) => x.skipped)).toBe(true);
  }, 60_000);

  it('a new approval and a retried pipeline with a child pipeline are read alone on the next run', async () => {
    const project = [...gl.data.projects.values()][0]!;
    const mr = project.mergeRequests.find((m) => m.state === 'opened') ?? project.mergeRequests[0]!;
    const at = new Date(Date.parse('2024-06-03T00:00:00Z') + 3_600_000).toISOString();
    mr.notes.push({
      id: 99_000_001,
      type: null,
      system: true,
      body: 'approved this merge request',
      author: { id: 5, username: 'late-reviewer', name: 'Late Reviewer' },
      created_at: at,
    });
    mr.updated_at = at;
    const parent = project.pipelines[project.pipelines.length - 1]!;
    const bridgeAt = new Date(Date.parse(at) + 60_000).toISOString();
    const childId = 99_000_100;
    parent.jobs.push({
      id: 99_000_010,
      name: 'trigger-docs',
      stage: 'deploy',
      status: 'success',
      kind: 'BRIDGE',
      created_at: bridgeAt,
      queued_duration: 0,
      started_at: bridgeAt,
      finished_at: bridgeAt,
      retried: false,
      allow_failure: false,
      needs: [],
      runner: null,
      downstream_pipeline: { id: childId, project_path: project.path_with_namespace },
    });
    parent.updated_at = bridgeAt;
    project.pipelines.push({
      ...parent,
      id: childId,
      iid: parent.iid + 10_000,
      source: 'parent_pipeline',
      name: 'docs',
      created_at: bridgeAt,
      started_at: bridgeAt,
      finished_at: bridgeAt,
      updated_at: bridgeAt,
      upstream_id: parent.id,
      jobs: [],
    });
    gl.resetStats();
    const r = await collect();
    expect(r.code).toBe(0);
    const st = gl.stats();
    for (const [p, n] of Object.entries(st.byProject))
      if (p !== project.path_with_namespace) expect(n, p).toBe(1);
    // The merge-request page (with the probe), the pipelines page; deployments and nothing else.
    expect(st.byProject[project.path_with_namespace]).toBeLessThanOrEqual(4);
    await withStore(t, async (s) => {
      const rv = await s.query<{ state: string }>(
        'select state from reviews where repo = $1 and pr_number = $2 and reviewer = $3',
        [project.path_with_namespace, mr.iid, 'late-reviewer'],
      );
      expect(rv.map((x) => x.state)).toEqual(['approved']);
      const child = await s.query<{ event: string; workflow: string }>(
        'select event, workflow from pipeline_runs where repo = $1 and run_id = $2',
        [project.path_with_namespace, String(childId)],
      );
      expect(child).toEqual([{ event: 'parent_pipeline', workflow: 'docs' }]);
      const bridge = await s.query<{ runner: string; run_id: string }>(
        'select runner, run_id from pipeline_jobs where job_id = $1',
        ['99000010'],
      );
      expect(bridge).toEqual([{ runner: 'bridge', run_id: String(parent.id) }]);
    });
  }, 60_000);

  it('--since on a first run reads only what changed from then on', async () => {
    const other = await openTestStore(engine);
    await other.store.close();
    try {
      const project = [...gl.data.projects.values()][1]!;
      const since = '2024-05-29T00:00:00.000Z';
      const r = await cli(
        [
          'collect',
          'gitlab',
          '--project',
          project.path_with_namespace,
          '--base-url',
          gl.url,
          '--since',
          since,
        ],
        {
          env: {
            ...env,
            ...(other.config.databaseUrl
              ? { DATABASE_URL: other.config.databaseUrl }
              : { PITWALL_DB: other.config.duckdbPath }),
          },
        },
      );
      expect(r.code).toBe(0);
      const want = project.mergeRequests.filter((m) => Date.parse(m.updated_at) >= Date.parse(since));
      expect(want.length).toBeGreaterThan(0);
      expect(want.length).toBeLessThan(project.mergeRequests.length);
      await withStore(other, async (s) => {
        const prs = await s.query<{ number: number }>('select number from pull_requests');
        expect(prs.map((p) => Number(p.number)).sort((a, b) => a - b)).toEqual(
          want.map((m) => m.iid).sort((a, b) => a - b),
        );
      });
    } finally {
      await other.cleanup();
    }
  }, 60_000);

  it('refuses bad input before touching the store, naming what is wrong (exit 2)', async () => {
    const noToken = await cli(['collect', 'gitlab', '--group', 'g', '--base-url', gl.url], {
      env: { ...env, GITLAB_TOKEN: '' },
    });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/GITLAB_TOKEN/);
    const badProject = await cli(
      ['collect', 'gitlab', '--project', 'no spaces/allowed here', '--base-url', gl.url],
      {
        env,
      },
    );
    expect(badProject.code).toBe(2);
    expect(badProject.stderr).toMatch(/--project/);
    const bare = await cli(['collect', 'gitlab', '--project', 'api', '--base-url', gl.url], { env });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/group\/name/);
    const badUrl = await cli(['collect', 'gitlab', '--group', 'g', '--base-url', 'ftp://x'], { env });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/--base-url/);
  });

  it('a dry run of named projects prints metrics, writes nothing and never shows the token', async () => {
    const other = await openTestStore(engine);
    await other.store.close();
    try {
      const project = gl.truth!.records.repos[0]!.repo;
      const r = await cli(
        ['collect', 'gitlab', '--project', project, '--base-url', gl.url, '--dry-run', '--verbose'],
        {
          env: {
            ...env,
            ...(other.config.databaseUrl
              ? { DATABASE_URL: other.config.databaseUrl }
              : { PITWALL_DB: other.config.duckdbPath }),
          },
        },
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/github\.prs\.merged/);
      expect(r.stdout).toMatch(/dry run: nothing written/);
      expect(`${r.stdout}${r.stderr}`).not.toContain('glpat-test-secret');
      const s = await openStore({
        databaseUrl: other.config.databaseUrl,
        duckdbPath: other.config.duckdbPath,
      });
      try {
        const n = await s.query<{ n: number }>('select count(*) as n from pull_requests');
        expect(Number(n[0]!.n)).toBe(0);
      } finally {
        await s.close();
      }
    } finally {
      await other.cleanup();
    }
  }, 60_000);
});
