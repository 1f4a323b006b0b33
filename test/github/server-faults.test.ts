import { generateKeyPairSync } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { afterEach, describe, expect, it } from 'vitest';
import { TestOctokit, testOctokit } from './client.js';
import { startGitHubServer, type GitHubServer, type GitHubServerOptions } from './server.js';

const demoOptions = { developers: 4, days: 7, end: new Date('2024-05-01T00:00:00Z') };
const auth = { authorization: 'token test-token' };

describe('GitHub test server: faults, limits and the App flow', () => {
  let gh: GitHubServer | null = null;
  const start = async (o: GitHubServerOptions) =>
    (gh = await startGitHubServer({ source: 'demo', demoOptions, ...o }));
  afterEach(async () => {
    await gh?.stop();
    gh = null;
  });

  it('injects a 502 on the Nth request; Octokit retry gets through', async () => {
    const s = await start({ faults: { badGatewayOn: [1] } });
    const { octokit } = testOctokit(s.url);
    const res = await octokit.request('GET /orgs/{org}/repos', { org: 'demo' });
    expect(res.status).toBe(200);
    const stats = s.stats();
    expect(stats.faults.badGateway).toBe(1);
    expect(stats.byStatus).toMatchObject({ '502': 1, '200': 1 });
    expect(stats.points.core).toBe(1);
  });

  it('answers a secondary limit like GitHub; Octokit throttling waits retry-after and retries', async () => {
    const s = await start({ faults: { secondaryLimitOn: [1], retryAfterSeconds: 2 } });
    const raw = await fetch(`${s.url}/orgs/demo/repos`, { headers: auth });
    expect(raw.status).toBe(403);
    expect(raw.headers.get('retry-after')).toBe('2');
    expect(((await raw.json()) as { message: string }).message).toMatch(
      /^You have exceeded a secondary rate limit/,
    );
    s.setFaults({ secondaryLimitOn: [2], retryAfterSeconds: 1 });
    const { octokit, log } = testOctokit(s.url);
    await octokit.request('GET /orgs/{org}/repos', { org: 'demo' });
    expect(log.secondaryLimit).toEqual([1]);
  });

  it('exhausts the primary limit with 403, remaining 0 and a reset; the window comes back', async () => {
    const s = await start({ rateLimit: { core: 2, windowSeconds: 1 } });
    for (let i = 0; i < 2; i++)
      expect((await fetch(`${s.url}/orgs/demo/repos`, { headers: auth })).status).toBe(200);
    const limited = await fetch(`${s.url}/orgs/demo/repos`, { headers: auth });
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 - 1);
    // Real seconds here: the client must wait for the window's reset to come through.
    const { octokit, log } = testOctokit(s.url, 'test-token', 1000);
    const res = await octokit.request('GET /orgs/{org}/repos', { org: 'demo' });
    expect(res.status).toBe(200);
    expect(log.rateLimit.length).toBe(1);
  });

  it('fails one repository on every route, REST and GraphQL', async () => {
    const s = await start({});
    const [bad, good] = s.truth!.records.repos.map((r) => r.repo) as [string, string | undefined];
    s.setFaults({ failingRepos: { [bad]: 500 } });
    expect((await fetch(`${s.url}/repos/${bad}/pulls`, { headers: auth })).status).toBe(500);
    if (good) expect((await fetch(`${s.url}/repos/${good}/pulls`, { headers: auth })).status).toBe(200);
    s.setFaults({ failingRepos: { [bad]: 404 } });
    const [owner, name] = bad.split('/');
    const res = await fetch(s.graphqlUrl, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ query: `{ repository(owner: "${owner}", name: "${name}") { name } }` }),
    });
    const body = (await res.json()) as { errors: { type: string }[] };
    expect(body.errors[0]!.type).toBe('NOT_FOUND');
  });

  it('drops the connection from the Nth request on', async () => {
    const s = await start({ faults: { hangUpAfter: 2 } });
    expect((await fetch(`${s.url}/orgs/demo/repos`, { headers: auth })).status).toBe(200);
    await expect(fetch(`${s.url}/orgs/demo/repos`, { headers: auth })).rejects.toThrow();
    expect(s.stats().faults.hangUp).toBe(1);
  });

  it('issues installation tokens to a GitHub App (real @octokit/auth-app JWT) and expires them', async () => {
    const s = await start({ auth: { installationTokenTtlSeconds: 1 } });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const appAuth = { appId: 77, privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() };
    const app = new TestOctokit({
      baseUrl: s.url,
      authStrategy: createAppAuth,
      auth: appAuth,
      throttle: { enabled: false },
    });
    const inst = await app.request('GET /orgs/{org}/installation', { org: 'demo' });
    expect(inst.data.id).toBe(4242);
    const client = new TestOctokit({
      baseUrl: s.url,
      authStrategy: createAppAuth,
      auth: { ...appAuth, installationId: inst.data.id },
      throttle: { enabled: false },
    });
    const repos = await client.request('GET /installation/repositories');
    expect(repos.data.total_count).toBe(s.truth!.records.repos.length);
    const token = await fetch(`${s.url}/app/installations/4242/access_tokens`, {
      method: 'POST',
      headers: auth,
    });
    expect(token.status).toBe(401);
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const jwt = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iss: 77 })}.sig`;
    const minted = await fetch(`${s.url}/app/installations/4242/access_tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}` },
    });
    expect(minted.status).toBe(201);
    const { token: ghs } = (await minted.json()) as { token: string };
    expect(
      (await fetch(`${s.url}/orgs/demo/repos`, { headers: { authorization: `token ${ghs}` } })).status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100));
    const expired = await fetch(`${s.url}/orgs/demo/repos`, { headers: { authorization: `token ${ghs}` } });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { message: string }).message).toBe('Bad credentials');
    expect(
      s.stats().byKind['POST /app/installations/{installation_id}/access_tokens'],
    ).toBeGreaterThanOrEqual(1);
  });
});
