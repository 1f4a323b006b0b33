import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_GROUP, FIXTURES_DIR, fixturesAvailable } from '../gitlab/fixture-source.js';
import { startGitLabServer, type GitLabServer } from '../gitlab/server.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';

const present = fixturesAvailable();
if (!present)
  console.warn(
    `skipping recorded GitLab fixture tests: ${FIXTURES_DIR} is absent (it sits beside the project, not in it)`,
  );

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/**
 * The recorded responses (DevLake's raw GitLab tables) served by the GitLab-compatible server
 * and collected by the real CLI: each quirk of real data lands as the warehouse expects it.
 */
describe.skipIf(!present).each(ENGINES)('pitwall collect gitlab of recorded responses on %s', (engine) => {
  let gl: GitLabServer;
  let t: TestStore;
  let dir: string;
  let s: Store;
  const P = `${FIXTURE_GROUP}/p12345678`;
  const JOBS = `${FIXTURE_GROUP}/p44`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pitwall-gitlab-fixtures-'));
    // Issues labelled Refactor stand in for incidents: the recording holds no incident-type issue.
    writeFileSync(join(dir, 'pitwall.yaml'), 'gitlab:\n  incident_labels: [Refactor]\n');
    gl = await startGitLabServer({ source: 'fixtures' });
    t = await openTestStore(engine);
    await t.store.close();
    const r = await cli(
      ['collect', 'gitlab', '--group', `${FIXTURE_GROUP}`, '--base-url', `${gl.url}`, '--json'],
      {
        env: {
          GITLAB_TOKEN: 'glpat-test',
          PITWALL_CONFIG: join(dir, 'pitwall.yaml'),
          ...(t.config.databaseUrl
            ? { DATABASE_URL: t.config.databaseUrl }
            : { PITWALL_DB: t.config.duckdbPath }),
        },
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    s = await openStore({ databaseUrl: t.config.databaseUrl, duckdbPath: t.config.duckdbPath });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await gl?.stop();
    await t?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('maps merge requests: states, landing shas, approvals from system notes, the old "Work In Progress" wording', async () => {
    const model = gl.data.projects.get(P)!.mergeRequests;
    const prs = await s.query<Record<string, unknown>>('select * from pull_requests where repo = $1', [P]);
    expect(prs.length).toBe(model.length);
    const byNumber = new Map(prs.map((p) => [Number(p.number), p]));
    for (const mr of model) {
      const p = byNumber.get(mr.iid)!;
      expect([p.state, p.merge_sha ?? null, iso(p.created_at)]).toEqual([
        mr.state === 'opened' ? 'open' : mr.state,
        mr.state === 'merged' ? (mr.merge_commit_sha ?? mr.squash_commit_sha) : null,
        iso(mr.created_at),
      ]);
    }
    // "approved this merge request" by someone other than the author: one approval each.
    const approvals = model.flatMap((mr) =>
      mr.notes.filter(
        (n) => n.system && n.body.startsWith('approved this') && n.author.username !== mr.author.username,
      ),
    );
    expect(approvals.length).toBeGreaterThan(0);
    const reviews = await s.query<{ n: number }>(
      `select count(*) as n from reviews where repo = $1 and state = 'approved'`,
      [P],
    );
    expect(Number(reviews[0]!.n)).toBe(approvals.length);
    // Approved, unapproved, approved again: three decisions, the middle one a dismissal.
    const mr37 = await s.query<{ state: string }>(
      'select state from reviews where repo = $1 and pr_number = 37',
      [P],
    );
    expect(mr37.map((x) => x.state).sort()).toEqual(['approved', 'approved', 'dismissed']);
    // GitLab 13 wrote "unmarked as a **Work In Progress**" for what is now "marked ... as ready".
    const wip = model.find((mr) =>
      mr.notes.some((n) => n.body.startsWith('unmarked as a **Work In Progress**')),
    )!;
    const note = wip.notes.find((n) => n.body.startsWith('unmarked as a **Work In Progress**'))!;
    expect(iso(byNumber.get(wip.iid)!.ready_at)).toBe(iso(note.created_at));
    // The first commit's authored date is the MR's first commit.
    const withCommits = model.find((mr) => mr.commits.length > 1)!;
    const first = withCommits.commits.map((c) => Date.parse(c.authored_date)).sort((a, b) => a - b)[0]!;
    expect(iso(byNumber.get(withCommits.iid)!.first_commit_at)).toBe(new Date(first).toISOString());
  });

  it('maps jobs that never started, jobs without queued_duration and the bridge job', async () => {
    const jobs = await s.query<Record<string, unknown>>('select * from pipeline_jobs where repo = $1', [
      JOBS,
    ]);
    const recorded = gl.data.projects.get(JOBS)!.pipelines.flatMap((p) => p.jobs);
    expect(jobs.length).toBe(recorded.length);
    const byId = new Map(jobs.map((j) => [String(j.job_id), j]));
    const never = recorded.find((j) => j.status === 'failed' && j.started_at === null)!;
    const row = byId.get(String(never.id))!;
    // Failed before it ran: no start, so no queue or run time; its end is kept.
    expect([iso(row.started_at), iso(row.completed_at), row.conclusion]).toEqual([
      null,
      iso(never.finished_at),
      'failure',
    ]);
    // No queued_duration in the recording (older GitLab): queue time from created_at, never invented.
    const ran = recorded.find((j) => j.status === 'success' && j.kind === 'BUILD')!;
    expect(ran.queued_duration).toBeNull();
    expect([iso(byId.get(String(ran.id))!.created_at), iso(byId.get(String(ran.id))!.started_at)]).toEqual([
      iso(ran.created_at),
      iso(ran.started_at),
    ]);
    const bridge = recorded.find((j) => j.kind === 'BRIDGE')!;
    expect(byId.get(String(bridge.id))).toMatchObject({ name: 'deploy', stage: 'deploy', runner: 'bridge' });
  });

  it('maps pipelines with queued time and merge-request refs', async () => {
    const runs = await s.query<Record<string, unknown>>('select * from pipeline_runs where repo = $1', [P]);
    expect(runs.length).toBe(gl.data.projects.get(P)!.pipelines.length);
    const mrRef = runs.find((r) => r.event === 'merge_request_event')!;
    // refs/merge-requests/N/head is not a branch.
    expect(mrRef.branch).toBeNull();
    const still = runs.find((r) => r.status !== 'completed');
    if (still) expect(still.completed_at).toBeNull();
  });

  it('keeps production-like deployments only, with blocked and created ones in progress', async () => {
    const deps = await s.query<Record<string, unknown>>(
      'select environment, status from deployments where repo = $1',
      [P],
    );
    expect(deps.map((d) => `${d.environment as string}/${d.status as string}`).sort()).toEqual([
      'production/cancelled',
      'production/in_progress',
      'production/in_progress',
    ]);
  });

  it('takes issues with an incident label as incidents, source gitlab', async () => {
    const want = gl.data.projects
      .get(P)!
      .issues.filter((i) => (i.labels as string[]).includes('Refactor'))
      .map((i) => `gitlab:${P}#${i.iid as number}`)
      .sort();
    expect(want.length).toBeGreaterThan(0);
    const inc = await s.query<{ id: string; source: string }>('select id, source from incidents');
    expect(inc.map((i) => i.id).sort()).toEqual(want);
    expect(new Set(inc.map((i) => i.source))).toEqual(new Set(['gitlab']));
  });
});
