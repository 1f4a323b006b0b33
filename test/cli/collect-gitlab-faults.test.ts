import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitLabServer, type GitLabServer } from '../gitlab/server.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { openStore } from '../../src/store/open.js';

const END = new Date('2024-06-03T00:00:00Z');
// Bookkeeping: when things ran, not what the warehouse holds.
const VOLATILE = new Set(['sources', 'schema_migrations', 'scheduler_runs', 'enrich_steps', 'table_changes']);

const canonical = (v: unknown): unknown =>
  v instanceof Date
    ? v.toISOString()
    : typeof v === 'bigint'
      ? v.toString()
      : Array.isArray(v)
        ? v.map(canonical)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canonical(x)]))
          : typeof v === 'number'
            ? String(v)
            : v;

/** Every warehouse table, every row, in a stable order. */
async function dump(t: TestStore): Promise<Record<string, string[]>> {
  const s = await openStore({ databaseUrl: t.config.databaseUrl, duckdbPath: t.config.duckdbPath });
  try {
    const tables = await s.query<{ table_name: string }>(
      `select table_name from information_schema.tables
       where table_schema in ('main', 'public') and table_type = 'BASE TABLE' order by table_name`,
    );
    const out: Record<string, string[]> = {};
    for (const { table_name: name } of tables) {
      if (VOLATILE.has(name)) continue;
      const rows = await s.query<Record<string, unknown>>(`select * from ${name}`);
      out[name] = rows.map((r) => JSON.stringify(canonical(r))).sort();
    }
    return out;
  } finally {
    await s.close();
  }
}

/**
 * Faults injected by the GitLab-compatible server: 429s, 500s and dropped connections are
 * retried; a project that keeps failing is recorded on its source and skipped; a collection
 * cut off mid-way and run again leaves exactly the warehouse of an uninterrupted one.
 */
describe.each(ENGINES)('pitwall collect gitlab under faults on %s', (engine) => {
  let gl: GitLabServer;
  let dir: string;
  let want: Record<string, string[]>;
  let total = 0;
  const stores: TestStore[] = [];
  const fresh = async () => {
    const t = await openTestStore(engine);
    await t.store.close();
    stores.push(t);
    return t;
  };
  const envFor = (t: TestStore): NodeJS.ProcessEnv => ({
    GITLAB_TOKEN: 'glpat-test',
    PITWALL_GITLAB_RETRY_BASE_MS: '5',
    PITWALL_CONFIG: join(dir, 'pitwall.yaml'),
    ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : { PITWALL_DB: t.config.duckdbPath }),
  });
  const collect = (t: TestStore) =>
    cli(['collect', 'gitlab', '--group', `${gl.truth!.group}`, '--base-url', `${gl.url}`, '--json'], {
      env: envFor(t),
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pitwall-gitlab-faults-'));
    // Default page sizes (50 merge requests, 20 pipelines): too complex for the strict server.
    writeFileSync(join(dir, 'default.yaml'), 'gitlab:\n  concurrency: 1\n');
    // One project at a time and small pages: many requests for faults to land between.
    writeFileSync(
      join(dir, 'pitwall.yaml'),
      'gitlab:\n  concurrency: 1\n  mr_page_size: 5\n  pipeline_page_size: 5\n',
    );
    gl = await startGitLabServer({ source: 'demo', demoOptions: { developers: 8, days: 10, end: END } });
    const whole = await fresh();
    const r = await collect(whole);
    expect(r.code).toBe(0);
    total = gl.stats().requests;
    want = await dump(whole);
    expect(want.pull_requests!.length).toBe(gl.truth!.records.pullRequests.length);
  }, 120_000);
  afterAll(async () => {
    await gl?.stop();
    for (const t of stores) await t.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('retries 429, 500 and a dropped connection to the same warehouse', async () => {
    const t = await fresh();
    gl.resetStats();
    gl.setFaults({ tooManyOn: [2, 9], serverErrorOn: [4, 15], hangUpOn: [6], retryAfterSeconds: 1 });
    const r = await collect(t);
    gl.setFaults({});
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { requests: { retried: number } };
    expect(out.requests.retried).toBeGreaterThanOrEqual(5);
    expect(await dump(t)).toEqual(want);
  }, 120_000);

  it('asks for smaller pages when GitLab finds a query too complex, to the same warehouse', async () => {
    const strict = await startGitLabServer({
      source: 'demo',
      demoOptions: { developers: 8, days: 10, end: END },
      maxComplexity: 2500,
    });
    try {
      const t = await fresh();
      const r = await cli(
        ['collect', 'gitlab', '--group', gl.truth!.group, '--base-url', strict.url, '--json'],
        {
          env: { ...envFor(t), PITWALL_CONFIG: join(dir, 'default.yaml') },
        },
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(await dump(t)).toEqual(want);
    } finally {
      await strict.stop();
    }
  }, 120_000);

  it('records a failing project on its source and collects the others', async () => {
    const t = await fresh();
    const broken = gl.truth!.records.repos[0]!.repo;
    gl.setFaults({ failingProjects: { [broken]: 500 } });
    const r = await collect(t);
    gl.setFaults({});
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { projects: { project: string; ok: boolean }[] };
    expect(out.projects.filter((s) => !s.ok).map((s) => s.project)).toEqual([broken]);
    const s = await openStore({ databaseUrl: t.config.databaseUrl, duckdbPath: t.config.duckdbPath });
    try {
      const rows = await s.query<{ id: string; last_error: string | null }>(
        'select id, last_error from sources',
      );
      expect(rows.find((x) => x.id === `gitlab:${broken}`)?.last_error).toMatch(/500/);
      const others = await s.query<{ n: number }>(
        'select count(*) as n from pull_requests where repo <> $1',
        [broken],
      );
      expect(Number(others[0]!.n)).toBe(
        gl.truth!.records.pullRequests.filter((p) => p.repo !== broken).length,
      );
    } finally {
      await s.close();
    }
  }, 120_000);

  it('resumes a collection cut off mid-way to exactly the uninterrupted warehouse', async () => {
    for (const share of [0.3, 0.7]) {
      const t = await fresh();
      gl.resetStats();
      // Every connection from here on is dropped: the projects being read fail after their retries.
      gl.setFaults({ hangUpFrom: Math.round(total * share) });
      const cut = await collect(t);
      gl.setFaults({});
      expect(cut.code).toBe(1);
      const partial = await dump(t);
      expect(partial.pipeline_jobs!.length).toBeLessThan(want.pipeline_jobs!.length);
      const again = await collect(t);
      expect(again.stderr).toBe('');
      expect(again.code).toBe(0);
      const got = await dump(t);
      for (const table of Object.keys(want))
        expect(got[table], `${table} after a cut at ${share}`).toEqual(want[table]);
    }
  }, 240_000);
});
