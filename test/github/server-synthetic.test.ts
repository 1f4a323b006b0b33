import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/collectors/github/client.js';
import { collectGitHub } from '../../src/collectors/github/collect-org.js';
import { settingsFrom } from '../../src/cli/commands/collect-github.js';
import { configSchema } from '../../src/plugins.js';
import { openStore } from '../../src/store/open.js';
import { startGitHubServer, type GitHubServer } from './server.js';

const options = { repos: 3, prs: 140, runs: 120, jobsPerRun: 4, seed: 11 };
const auth = { authorization: 'token test-token' };

/** The synthetic source: lean, deterministic, and whole enough for the collector. */
describe('GitHub test server: synthetic organisation', () => {
  let gh: GitHubServer;
  beforeAll(async () => {
    gh = await startGitHubServer({ source: 'synthetic', syntheticOptions: options });
  });
  afterAll(() => gh.stop());

  it('answers the same bytes for the same seed', async () => {
    const other = await startGitHubServer({ source: 'synthetic', syntheticOptions: options });
    try {
      for (const path of [
        '/repos/synthetic/service-002/pulls?state=all&per_page=100&page=2',
        '/repos/synthetic/service-002/actions/runs?per_page=100',
        '/repos/synthetic/service-002/events',
      ]) {
        const [a, b] = await Promise.all([
          fetch(`${gh.url}${path}`, { headers: auth }),
          fetch(`${other.url}${path}`, { headers: auth }),
        ]);
        expect(a.status).toBe(200);
        // Bodies name their own server's URL; everything else must match byte for byte.
        expect((await a.text()).replaceAll(gh.url, 'URL')).toBe(
          (await b.text()).replaceAll(other.url, 'URL'),
        );
      }
    } finally {
      await other.stop();
    }
  });

  it('is collected whole: every PR, run attempt and job, then one free 304 per repository', async () => {
    const store = await openStore({ duckdbPath: ':memory:' });
    try {
      const cfg = configSchema.parse({ github: { graphql_min_interval_ms: 0 } });
      const client = createClient({
        auth: { type: 'token', token: 'x' },
        apiUrl: gh.url,
        logger: pino({ level: 'silent' }),
        graphqlMinIntervalMs: 0,
      });
      const run = () =>
        collectGitHub({
          store,
          config: cfg,
          client,
          settings: settingsFrom(cfg, null),
          repos: [...gh.data.repos.values()].map((r) => ({ repo: r.rest.full_name, default_branch: 'main' })),
          logger: pino({ level: 'silent' }),
          concurrency: 2,
        });
      const first = await run();
      expect(first.repos.filter((r) => !r.ok)).toEqual([]);
      const count = async (sql: string) => Number((await store.query<{ n: number }>(sql))[0]!.n);
      expect(await count('select count(*) as n from pull_requests')).toBe(options.repos * options.prs);
      const runs = [...gh.data.repos.values()].flatMap((r) => r.runs);
      expect(await count('select count(*) as n from pipeline_runs')).toBe(
        runs.reduce((n, r) => n + r.attempts.length, 0),
      );
      expect(await count('select count(*) as n from pipeline_jobs')).toBe(
        runs.reduce((n, r) => n + r.jobs.length, 0),
      );
      gh.resetStats();
      await run();
      const st = gh.stats();
      expect(st.requests).toBe(options.repos);
      expect(st.notModified).toBe(options.repos);
    } finally {
      await store.close();
    }
  }, 120_000);
});
