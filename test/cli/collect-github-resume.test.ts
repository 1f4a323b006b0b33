import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubServer, type GitHubServer } from '../github/server.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { openStore } from '../../src/store/open.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const END = new Date('2024-06-03T00:00:00Z');
/** Bookkeeping whose timestamps differ by nature between two collections. */
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
          : // Numeric columns come back as numbers from one engine and strings from the other.
            typeof v === 'number'
            ? String(v)
            : v;

/** Every warehouse table, every row, in a stable order: what two collections must agree on. */
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
 * A collection killed (SIGKILL, no chance to clean up) part-way and run again must leave the
 * warehouse exactly as one uninterrupted collection does: cursors and ETags are saved only
 * after the data they stand for, batches are idempotent, enrichment is not lost.
 */
describe.each(ENGINES)('pitwall collect github killed mid-way on %s', (engine) => {
  let gh: GitHubServer;
  let dir: string;
  const stores: TestStore[] = [];
  const fresh = async () => {
    const t = await openTestStore(engine);
    await t.store.close();
    stores.push(t);
    return t;
  };
  const envFor = (t: TestStore): NodeJS.ProcessEnv => ({
    GITHUB_TOKEN: 'ghp_test',
    PITWALL_GITHUB_RETRY_BASE_MS: '5',
    PITWALL_CONFIG: join(dir, 'pitwall.yaml'),
    ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : { PITWALL_DB: t.config.duckdbPath }),
  });
  const args = () => ['collect', 'github', '--org', gh.truth!.org, '--api-url', gh.url, '--json'];

  /** The real CLI in its own process, killed once the server has answered `after` requests. */
  async function collectAndKill(t: TestStore, after: number): Promise<{ killedAt: number; exited: boolean }> {
    gh.resetStats();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args()], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...envFor(t) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let exited = false;
    void exit.then(() => (exited = true));
    while (!exited && gh.stats().requests < after) await new Promise((r) => setTimeout(r, 2));
    const killedAt = gh.stats().requests;
    const killed = !exited;
    if (killed) child.kill('SIGKILL');
    const code = await exit;
    if (!killed && code !== 0) throw new Error(`collection failed before the kill: ${stderr}`);
    return { killedAt, exited: !killed };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pitwall-resume-'));
    // Octokit's 1 s between GraphQL requests is for GitHub; the loopback server needs none.
    // One repository at a time, so kills land both inside a repository and between two saved cursors.
    writeFileSync(join(dir, 'pitwall.yaml'), 'github:\n  graphql_min_interval_ms: 0\n  concurrency: 1\n');
    gh = await startGitHubServer({
      source: 'demo',
      demoOptions: { developers: 8, days: 10, end: END },
      // Small pages: more requests and more batches for the kill to land between.
      pageSize: 20,
    });
  }, 60_000);
  afterAll(async () => {
    await gh?.stop();
    for (const t of stores) await t.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('resumes to exactly the warehouse of an uninterrupted collection', async () => {
    const whole = await fresh();
    gh.resetStats();
    const r = await cli(args(), { env: envFor(whole) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const total = gh.stats().requests;
    const want = await dump(whole);
    expect(want.pull_requests!.length).toBe(gh.truth!.records.pullRequests.length);
    expect(want.pipeline_jobs!.length).toBe(gh.truth!.records.pipelineJobs.length);

    for (const share of [0.3, 0.8]) {
      const t = await fresh();
      const { killedAt, exited } = await collectAndKill(t, Math.round(total * share));
      expect(exited, `the kill at ${share} of ${total} requests came too late`).toBe(false);
      expect(killedAt).toBeLessThan(total);
      const again = await cli(args(), { env: envFor(t) });
      expect(again.stderr).toBe('');
      expect(again.code).toBe(0);
      if (share > 0.5) {
        // Repositories whose cursor was saved before the kill cost one free 304 each.
        const { repos } = JSON.parse(again.stdout) as { repos: { skipped: boolean }[] };
        expect(repos.some((x) => x.skipped)).toBe(true);
      }
      const got = await dump(t);
      expect(Object.keys(got)).toEqual(Object.keys(want));
      for (const table of Object.keys(want))
        expect(got[table], `${table} after a kill at request ${killedAt} of ${total}`).toEqual(want[table]);
    }
  }, 240_000);
});
