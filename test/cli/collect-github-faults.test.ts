import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubServer, type GitHubServer } from '../github/server.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { openStore } from '../../src/store/open.js';

const END = new Date('2024-06-03T00:00:00Z');

describe.each(ENGINES)('pitwall collect github under faults on %s', (engine) => {
  let t: TestStore;
  let gh: GitHubServer;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    gh = await startGitHubServer({ source: 'demo', demoOptions: { developers: 8, days: 7, end: END } });
    dir = mkdtempSync(join(tmpdir(), 'pitwall-faults-'));
    writeFileSync(join(dir, 'pitwall.yaml'), 'github:\n  concurrency: 1\n');
    env = {
      PITWALL_CONFIG: join(dir, 'pitwall.yaml'),
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
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('retries 502s and secondary-limit 403s, skips a failing repository and records it on its source', async () => {
    // One repository at a time and the failing one last: its requests never take the ordinals
    // the injected faults are aimed at, whatever order concurrent repositories would interleave in.
    const all = gh.truth!.records.repos.map((r) => r.repo).sort();
    const bad = all.at(-1)!;
    const good = all.slice(0, -1);
    gh.setFaults({
      badGatewayOn: [2, 5, 9],
      secondaryLimitOn: [3, 12],
      retryAfterSeconds: 1,
      failingRepos: { [bad!]: 500 },
    });
    const r = await cli(['collect', 'github', '--org', gh.truth!.org, '--api-url', gh.url, '--json'], {
      env,
    });
    expect(r.code).toBe(1); // the others were collected, but a scheduler must see the failure
    expect(r.stderr).toContain(bad);
    const out = JSON.parse(r.stdout) as { repos: { repo: string; ok: boolean; records: number }[] };
    expect(out.repos.find((x) => x.repo === bad)!.ok).toBe(false);
    for (const g of good) expect(out.repos.find((x) => x.repo === g)).toMatchObject({ ok: true });
    const st = gh.stats();
    expect(st.faults.badGateway).toBe(3);
    expect(st.faults.secondaryLimit).toBe(2);
    const s = await openStore({ databaseUrl: t.config.databaseUrl, duckdbPath: t.config.duckdbPath });
    try {
      const src = await s.query<{ id: string; last_error: string | null; last_success_at: Date | null }>(
        `select id, last_error, last_success_at from sources where kind = 'github' order by id`,
      );
      expect(src.find((x) => x.id === `github:${bad}`)).toMatchObject({ last_success_at: null });
      expect(src.find((x) => x.id === `github:${bad}`)!.last_error).toBeTruthy();
      for (const g of good)
        expect(src.find((x) => x.id === `github:${g}`)).toMatchObject({ last_error: null });
      const prs = await s.query<{ repo: string; n: number }>(
        'select repo, count(*) as n from pull_requests group by repo',
      );
      const want = gh.truth!.records.pullRequests.filter((p) => p.repo !== bad).length;
      expect(prs.every((p) => p.repo !== bad)).toBe(true);
      expect(prs.reduce((n, p) => n + Number(p.n), 0)).toBe(want);
    } finally {
      await s.close();
    }
  }, 120_000);
});
