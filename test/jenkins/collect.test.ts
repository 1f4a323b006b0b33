import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, queryOnce, storeEnv, type TestStore } from '../helpers/stores.js';
import { jenkinsFixtures, recordedJenkins, skipMessage } from './fixtures.js';
import { startJenkinsServer, type JenkinsServer } from './server.js';
import { pipelineBuild, syntheticTree } from './synthetic.js';

const USER = 'ci-reader';
const TOKEN = '11a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7';
const present = jenkinsFixtures();
if (!present) skipMessage();

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

describe.each(ENGINES)('pitwall collect jenkins on %s', (engine) => {
  let t: TestStore;
  let jk: JenkinsServer | undefined;
  let dir: string;
  const run = (args: string[], env: Record<string, string> = {}) =>
    cli(['collect', 'jenkins', '--option', `url=${jk!.url}`, ...args, '--json'], {
      cwd: dir,
      env: { ...storeEnv(t), JENKINS_USER: USER, JENKINS_TOKEN: TOKEN, ...env },
    });
  const runs = async () =>
    (
      await queryOnce<Row>(
        t,
        `select repo, run_id, workflow, event, branch, sha, pr_number, status, conclusion, actor, started_at, completed_at
         from pipeline_runs order by run_id`,
      )
    ).map((r): Row => ({ ...r, started_at: iso(r.started_at), completed_at: iso(r.completed_at) }));
  const jobs = async () =>
    (
      await queryOnce<Row>(
        t,
        `select job_id, run_id, name, needs, conclusion, started_at, completed_at from pipeline_jobs order by job_id`,
      )
    ).map((r): Row => ({ ...r, started_at: iso(r.started_at), completed_at: iso(r.completed_at) }));

  beforeEach(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    dir = mkdtempSync(join(tmpdir(), 'pitwall-jenkins-'));
    writeFileSync(join(dir, 'pitwall.yaml'), '{}\n');
  });
  afterEach(async () => {
    await jk?.stop();
    jk = undefined;
    rmSync(dir, { recursive: true, force: true });
    await t?.cleanup();
  });

  it.skipIf(!present)(
    'maps the recorded builds and stages: multibranch branches and PRs, timeouts, NOT_BUILD, a running build',
    async () => {
      jk = await startJenkinsServer({ root: recordedJenkins(), user: USER, token: TOKEN });
      const r = await run([]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const all = await runs();
      expect(all).toHaveLength(15 + 12);
      const byId = new Map(all.map((x) => [x.run_id, x]));
      expect(byId.get('github_org/devlake-jenkins/main#4')).toEqual({
        repo: 'jenkins/127.0.0.1',
        run_id: 'github_org/devlake-jenkins/main#4',
        workflow: 'github_org/devlake-jenkins',
        event: 'push',
        branch: 'main',
        sha: 'c83ae02076382670e286ac2474b7a7327fc28cde',
        pr_number: null,
        status: 'completed',
        conclusion: 'success',
        actor: null,
        started_at: '2024-03-24T10:52:31.963Z',
        completed_at: '2024-03-24T10:53:02.378Z',
      });
      // A pull-request branch job: the PR number, no branch; aborted by a timeout step.
      expect(byId.get('github_org/devlake-jenkins/PR-2#1')).toMatchObject({
        branch: null,
        pr_number: 2,
        conclusion: 'timed_out',
      });
      // A failed build before checkout has no revision.
      expect(byId.get('github_org/devlake-jenkins/feature-2#5')).toMatchObject({
        sha: null,
        conclusion: 'failure',
      });
      expect(byId.get('github_org/devlake-jenkins/main#1')).toMatchObject({ event: 'indexing' });
      const fs = 'Test-jenkins-dir/test-jenkins-sub-dir/test-sub-sub-dir/devlake';
      expect(byId.get(`${fs}#31`)).toMatchObject({
        workflow: fs,
        event: 'manual',
        actor: 'merico',
        branch: 'main',
        sha: '0f886c74949c3ee7e489188911c7dc0c1d547418',
      });
      // Recorded as building with a result already set: not final.
      expect(byId.get(`${fs}#10002`)).toMatchObject({
        status: 'in_progress',
        conclusion: null,
        completed_at: null,
      });
      expect(byId.get(`${fs}#10003`)).toMatchObject({ conclusion: 'cancelled' });
      expect(byId.get(`${fs}#10004`)).toMatchObject({ conclusion: 'skipped' });
      expect(byId.get(`${fs}#10005`)).toMatchObject({ conclusion: 'failure' });

      const stages = (await jobs()).filter((j) => j.run_id === 'github_org/devlake-jenkins/feature-2#6');
      // Job ids sort by stage id as text (15, 20, 24, 28, 6); each stage needs the one before.
      expect(stages.map((s) => [s.name, s.conclusion, JSON.parse(String(s.needs))])).toEqual([
        ['checkout', 'cancelled', ['Declarative: Checkout SCM']],
        ['build', 'cancelled', ['checkout']],
        ['test', 'cancelled', ['build']],
        ['deploy', 'cancelled', ['test']],
        ['Declarative: Checkout SCM', 'success', []],
      ]);
      // Freestyle builds are one job each.
      expect((await jobs()).filter((j) => j.run_id === `${fs}#31`).map((j) => j.name)).toEqual(['devlake']);
      // Reads need no CSRF crumb.
      expect(jk.hits).not.toContain('/crumbIssuer/api/json');
    },
  );

  it('re-runs read only new builds and finish a running one; --option job limits the tree', async () => {
    const builds = [
      pipelineBuild(1),
      pipelineBuild(2, { result: 'FAILURE' }),
      pipelineBuild(3, { building: true }),
    ];
    jk = await startJenkinsServer({ root: syntheticTree(builds), user: USER, token: TOKEN });
    const first = await run(['--option', 'job=platform']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect((await runs()).map((x) => [x.run_id, x.status, x.conclusion, x.event])).toEqual([
      ['platform/deploy-api#1', 'completed', 'success', 'schedule'],
      ['platform/deploy-api#2', 'completed', 'failure', 'schedule'],
      ['platform/deploy-api#3', 'in_progress', null, 'schedule'],
    ]);
    const deploy3 = (await jobs()).find((j) => j.job_id === 'platform/deploy-api#3:12');
    expect(deploy3).toMatchObject({ conclusion: null, completed_at: null });

    const job = jk.root.jobs![0]!.jobs![0]!;
    const done = [pipelineBuild(3), pipelineBuild(4)];
    job.builds = [...builds.slice(0, 2), ...done].map((b) => b.build);
    job.stages = Object.fromEntries([...builds.slice(0, 2), ...done].map((b) => [b.build.number, b.stages]));
    jk.hits = [];
    const second = await run(['--option', 'job=platform']);
    expect(second.code).toBe(0);
    expect(jk.hits.filter((h) => h.endsWith('/wfapi/describe'))).toEqual([
      '/job/platform/job/deploy-api/3/wfapi/describe',
      '/job/platform/job/deploy-api/4/wfapi/describe',
    ]);
    expect((await runs()).map((x) => [x.run_id, x.status, x.conclusion])).toEqual([
      ['platform/deploy-api#1', 'completed', 'success'],
      ['platform/deploy-api#2', 'completed', 'failure'],
      ['platform/deploy-api#3', 'completed', 'success'],
      ['platform/deploy-api#4', 'completed', 'success'],
    ]);
    expect((await jobs()).find((j) => j.job_id === 'platform/deploy-api#3:12')).toMatchObject({
      conclusion: 'success',
      completed_at: new Date(Date.UTC(2026, 0, 5, 3) + 1000 + 120_000 + 60_000).toISOString(),
    });

    jk.hits = [];
    const third = await run(['--option', 'job=platform']);
    expect(third.code).toBe(0);
    expect(jk.hits.filter((h) => h.endsWith('/wfapi/describe'))).toEqual([]);
    expect(await runs()).toHaveLength(4);
  });

  it('bad credentials: a clear error naming the variables, no token in it, nothing written', async () => {
    jk = await startJenkinsServer({ root: syntheticTree([pipelineBuild(1)]), user: USER, token: TOKEN });
    const bad = await run([], { JENKINS_TOKEN: 'wrong-token-value' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(
      /Jenkins answered 401 to GET \/api\/json: check JENKINS_USER and JENKINS_TOKEN/,
    );
    expect(bad.stderr + bad.stdout).not.toContain('wrong-token-value');
    expect(jk.refused).toBe(1);
    const missing = await run([], { JENKINS_TOKEN: '' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/JENKINS_TOKEN is not set/);
    expect(await runs()).toEqual([]);
  });

  it.skipIf(!present)(
    'a deploy stage pattern makes deployments of the recorded builds that ran it',
    async () => {
      jk = await startJenkinsServer({ root: recordedJenkins(), user: USER, token: TOKEN });
      const r = await run(['--option', 'deploy=^deploy$', '--option', 'job=github_org']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const deps = (
        await queryOnce<Row>(
          t,
          `select id, service, environment, sha, status, started_at, finished_at, source from deployments order by id`,
        )
      ).map((d): Row => ({ ...d, started_at: iso(d.started_at), finished_at: iso(d.finished_at) }));
      const byId = new Map(deps.map((d) => [d.id, d]));
      expect(byId.get('jenkins:github_org/devlake-jenkins/main#4')).toEqual({
        id: 'jenkins:github_org/devlake-jenkins/main#4',
        service: 'devlake-jenkins',
        environment: 'production',
        sha: 'c83ae02076382670e286ac2474b7a7327fc28cde',
        status: 'success',
        started_at: '2024-03-24T10:52:58.791Z',
        finished_at: '2024-03-24T10:53:02.342Z',
        source: 'jenkins',
      });
      // Every recorded build whose deploy stage ran: an aborted one is a cancelled deployment;
      // feature-2#4 and #5 failed before any stage (no stages, no revision) and deployed nothing.
      expect(
        deps.map((d) => [String(d.id).replace('jenkins:github_org/devlake-jenkins/', ''), d.status]),
      ).toEqual([
        ['PR-2#1', 'cancelled'],
        ['PR-2#2', 'success'],
        ['feature-1#1', 'success'],
        ['feature-1#2', 'success'],
        ['feature-1#3', 'success'],
        ['feature-2#1', 'success'],
        ['feature-2#2', 'success'],
        ['feature-2#3', 'success'],
        ['feature-2#6', 'cancelled'],
        ['main#1', 'success'],
        ['main#2', 'success'],
        ['main#3', 'success'],
        ['main#4', 'success'],
      ]);
      const bad = await run(['--option', 'deploy=(']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--option deploy=\(: not a regular expression/);
    },
  );

  it.skipIf(!present)('deploy_branch keeps only the builds of matching branches', async () => {
    jk = await startJenkinsServer({ root: recordedJenkins(), user: USER, token: TOKEN });
    const r = await run([
      '--option',
      'deploy=^deploy$',
      '--option',
      'deploy_branch=^main$',
      '--option',
      'job=github_org',
    ]);
    expect(r.code).toBe(0);
    const ids = (await queryOnce<Row>(t, `select id from deployments order by id`)).map((d) => d.id);
    expect(ids).toEqual([1, 2, 3, 4].map((n) => `jenkins:github_org/devlake-jenkins/main#${n}`));
  });

  it('samples the build queue and the agents as gauges', async () => {
    jk = await startJenkinsServer({ root: syntheticTree([]), user: USER, token: TOKEN });
    const now = Date.now();
    jk.queue = [
      {
        id: 1,
        why: 'Waiting for next available executor on linux',
        inQueueSince: now - 600_000,
        stuck: true,
        blocked: false,
        buildable: true,
      },
      {
        id: 2,
        why: 'Build #3 is already in progress',
        inQueueSince: now - 60_000,
        stuck: false,
        blocked: true,
        buildable: false,
      },
    ];
    jk.computers = {
      busyExecutors: 3,
      totalExecutors: 6,
      computer: [
        { displayName: 'built-in', offline: false, idle: false, numExecutors: 2 },
        {
          displayName: 'linux-1',
          offline: false,
          idle: true,
          numExecutors: 2,
          assignedLabels: [{ name: 'linux' }, { name: 'linux-1' }],
        },
        {
          displayName: 'linux-2',
          offline: true,
          idle: true,
          numExecutors: 2,
          assignedLabels: [{ name: 'linux' }, { name: 'linux-2' }],
        },
      ],
    };
    const r = await run([]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const points = await queryOnce<Row>(t, `select name, value, tags from metric_points order by name, tags`);
    const value = new Map(points.map((p) => [p.name, Number(p.value)]));
    const untagged = [...value].filter(([n]) => !/wait|label/.test(String(n)));
    expect(Object.fromEntries(untagged)).toEqual({
      'jenkins.agents.busy': 1,
      'jenkins.agents.online': 2,
      'jenkins.agents.total': 3,
      'jenkins.executors.busy': 3,
      'jenkins.executors.total': 6,
      'jenkins.queue.blocked': 1,
      'jenkins.queue.items': 2,
      'jenkins.queue.stuck': 1,
    });
    // Waits are measured from inQueueSince to the run's clock: at least the ages set above.
    expect(value.get('jenkins.queue.wait_seconds.max')).toBeGreaterThanOrEqual(600);
    expect(value.get('jenkins.queue.wait_seconds.avg')).toBeGreaterThanOrEqual(330);
    expect(value.get('jenkins.queue.wait_seconds.avg')).toBeLessThan(
      value.get('jenkins.queue.wait_seconds.max')!,
    );
    expect(JSON.parse(String(points[0]!.tags))).toEqual({ server: new URL(jk.url).host });
    // Why each item waits, and the label pool's agents (a node's own-name label is no pool).
    const tagged = points
      .filter(
        (p) =>
          String(p.name).startsWith('jenkins.queue.waiting') || String(p.name).startsWith('jenkins.label.'),
      )
      .map((p) => {
        const { server: _server, ...tags } = JSON.parse(String(p.tags)) as Record<string, string>;
        return [p.name, Number(p.value), tags];
      });
    expect(tagged).toEqual([
      ['jenkins.label.agents.busy', 0, { label: 'linux' }],
      ['jenkins.label.agents.online', 1, { label: 'linux' }],
      ['jenkins.label.agents.total', 2, { label: 'linux' }],
      ['jenkins.queue.waiting', 1, { reason: 'executor', label: 'linux' }],
      ['jenkins.queue.waiting', 1, { reason: 'in_progress' }],
    ]);
  });

  it('reads the JUnit plugin report of finished builds into test results', async () => {
    const tree = syntheticTree([
      pipelineBuild(1, { result: 'UNSTABLE' }),
      pipelineBuild(2, { building: true }),
    ]);
    const job = tree.jobs![0]!.jobs![0]!;
    job.tests = {
      1: {
        _class: 'hudson.tasks.junit.TestResult',
        suites: [
          {
            name: 'api.CheckoutTest',
            cases: [
              { className: 'api.CheckoutTest', name: 'pays', status: 'PASSED', duration: 0.25 },
              { className: 'api.CheckoutTest', name: 'refunds', status: 'REGRESSION', duration: 1.5 },
              { className: 'api.CheckoutTest', name: 'splits', status: 'SKIPPED', duration: 0 },
            ],
          },
        ],
      },
    };
    jk = await startJenkinsServer({ root: tree, user: USER, token: TOKEN });
    const r = await run([]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const results = await queryOnce<Row>(
      t,
      `select run_id, class_name, name, status, duration_ms, sha, branch from test_results order by name`,
    );
    expect(results.map((x) => ({ ...x, duration_ms: Number(x.duration_ms) }))).toEqual(
      [
        ['pays', 'passed', 250],
        ['refunds', 'failed', 1500],
        ['splits', 'skipped', 0],
      ].map(([name, status, ms]) => ({
        run_id: 'platform/deploy-api#1',
        class_name: 'api.CheckoutTest',
        name,
        status,
        duration_ms: ms,
        sha: '1'.padStart(40, 'a'),
        branch: 'main',
      })),
    );
    // A running build's report is not final: not asked for.
    expect(jk.hits.filter((h) => h.includes('testReport'))).toEqual([
      '/job/platform/job/deploy-api/1/testReport/api/json',
    ]);
  });
});
