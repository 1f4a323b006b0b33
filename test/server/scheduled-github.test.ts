import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/server/scheduler.js';
import { startGitHubServer, type GitHubServer } from '../github/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { silent } from './setup.js';

/** A `github` job in `collectors:` runs the real GitHub collector against the test server. */
describe.each(ENGINES)('scheduled GitHub collection on %s', (engine) => {
  let t: TestStore;
  let gh: GitHubServer;
  // The scheduler takes the token from the server's environment (handed to it), never the config.
  const runtime = {
    env: { GITHUB_TOKEN: 'ghp_test', PITWALL_GITHUB_RETRY_BASE_MS: '5' },
    cwd: process.cwd(),
  };
  beforeAll(async () => {
    t = await openTestStore(engine);
    gh = await startGitHubServer({
      source: 'demo',
      demoOptions: { developers: 6, days: 10, end: new Date('2024-06-03T00:00:00Z') },
    });
  }, 60_000);
  afterAll(async () => {
    await gh?.stop();
    await t?.cleanup();
  });

  it('collects every repository of the org and records each one’s health', async () => {
    const config = testConfig({
      github: { ...testConfig().github, graphql_min_interval_ms: 0 },
      collectors: [
        { id: 'github', name: 'gh', schedule: '0 0 1 1 *', options: { org: gh.truth!.org, api_url: gh.url } },
      ],
    });
    const outcome = await new Scheduler(t.store, config, silent, null, runtime).runJob('gh');
    expect(outcome.status, JSON.stringify(outcome)).toBe('ran');
    const prs = await t.store.query<{ n: number }>(`select count(*) as n from pull_requests`);
    expect(prs[0]!.n).toBe(gh.truth!.records.pullRequests.length);
    const sources = await t.store.query<{ id: string; last_error: string | null }>(
      `select id, last_error from sources where id like 'github:%' order by id`,
    );
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.every((s) => s.last_error === null)).toBe(true);
  });

  it('fails clearly, without writing, when the job’s options are wrong', async () => {
    const config = testConfig({
      collectors: [{ id: 'github', name: 'bad', schedule: '0 0 1 1 *', options: { organisation: 'x' } }],
    });
    const outcome = await new Scheduler(t.store, config, silent, null, runtime).runJob('bad');
    expect(outcome).toMatchObject({ status: 'failed' });
    expect((outcome as { error: string }).error).toMatch(
      /github collector: .*Unrecognized key: "organisation"/,
    );
    // The server refuses to start with it, naming the key and what the collector accepts.
    expect(() => Scheduler.validate(config)).toThrow(
      /config key "collectors.0.options.organisation": Unrecognized key.*\(github options are: org, repos,/,
    );
  });
});
