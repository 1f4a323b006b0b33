import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubServer, type GitHubServer } from '../../../test/github/server.js';
import { createClient } from './client.js';

const QUERY = 'query { viewer { login } rateLimit { remaining } }';

async function timeQueries(gh: GitHubServer, graphqlMinIntervalMs: number | null, n: number) {
  const { octokit } = createClient({
    auth: { type: 'token', token: 'ghp_test' },
    apiUrl: gh.url,
    logger: pino({ level: 'silent' }),
    graphqlMinIntervalMs,
  });
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, () => octokit.graphql(QUERY)));
  return performance.now() - t0;
}

/** GraphQL pacing: Octokit's 1 s write limiter unless github.graphql_min_interval_ms says otherwise. */
describe('GitHub client GraphQL pacing', () => {
  let gh: GitHubServer;
  beforeAll(async () => {
    gh = await startGitHubServer({ source: 'empty' });
  });
  afterAll(() => gh.stop());

  it("keeps Octokit's one-second spacing by default", async () => {
    // Three queries: the second and third wait a second each.
    expect(await timeQueries(gh, null, 3)).toBeGreaterThanOrEqual(1_900);
  }, 20_000);

  it('paces queries by the configured interval instead', async () => {
    // Ten queries at Octokit's spacing take at least 9 s; unpaced they take a fraction of that
    // even on a loaded machine (a bound far from both, so load cannot flip it).
    expect(await timeQueries(gh, 0, 10)).toBeLessThan(4_500);
    expect(gh.stats().byKind['POST /graphql']).toBe(13);
  }, 20_000);
});
