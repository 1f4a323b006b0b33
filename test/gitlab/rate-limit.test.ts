import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitLabClient } from '../../src/collectors/gitlab/client.js';
import { startGitLabServer, type GitLabServer } from './server.js';

/**
 * GitLab's RateLimit-* headers: the client stops when RateLimit-Remaining reaches 0 and waits
 * for RateLimit-Reset, so a burst larger than the limit is paced instead of answered 429.
 */
describe('GitLab client against the rate limit', () => {
  let gl: GitLabServer;
  beforeAll(async () => {
    gl = await startGitLabServer({
      source: 'demo',
      demoOptions: { developers: 4, days: 3 },
      rateLimit: 5,
      rateWindowSeconds: 1,
    });
  }, 60_000);
  afterAll(() => gl?.stop());

  it('sends every header GitLab sends and asks for a missing token', async () => {
    const res = await fetch(`${gl.url}/api/v4/groups/${gl.truth!.group}/projects`, {
      headers: { 'private-token': 'x' },
    });
    for (const h of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'])
      expect(res.headers.get(h)).toMatch(/^\d+$/);
    expect((await fetch(`${gl.url}/api/v4/groups/x/projects`)).status).toBe(401);
  });

  it('waits for the reset when the remaining budget reaches 0, and is never answered 429', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    gl.resetStats();
    const client = createGitLabClient({
      baseUrl: gl.url,
      token: 'x',
      logger: pino({ level: 'silent' }),
      maxConcurrent: 1,
    });
    for (let i = 0; i < 12; i++) await client.get(`/groups/${gl.truth!.group}/projects`);
    expect(client.stats.rateLimited).toBeGreaterThanOrEqual(2);
    expect(gl.stats().limited).toBe(0);
    expect(client.stats.retried).toBe(0);
  }, 30_000);

  it('retries a 429 after Retry-After and counts it', async () => {
    const client = createGitLabClient({
      baseUrl: gl.url,
      token: 'x',
      logger: pino({ level: 'silent' }),
      retryAfterBaseMs: 5,
    });
    gl.resetStats();
    gl.setFaults({ tooManyOn: [1], serverErrorOn: [2] });
    const page = await client.get<unknown[]>(`/groups/${gl.truth!.group}/projects`);
    gl.setFaults({});
    expect(page.data.length).toBe(gl.truth!.records.repos.length);
    expect(client.stats.retried).toBe(2);
    expect(gl.stats().requests).toBe(3);
  }, 30_000);
});
