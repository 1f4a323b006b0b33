import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { createContext, startServer, type RunningServer } from '../../src/server/server.js';
import { TokenStore } from '../../src/server/tokens.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/collect-git.js';
import { openTestStore, type TestStore } from '../helpers/stores.js';
import { bearer, silent } from './setup.js';

const teams = (server: RunningServer, token: string) =>
  fetch(`${server.url}/api/v1/teams`, { headers: bearer(token) }).then((r) => r.status);

const revokeVia = (server: RunningServer, admin: string, id: string) =>
  fetch(`${server.url}/api/v1/tokens/${id}`, { method: 'DELETE', headers: bearer(admin) });

function serverOn(store: Store): Promise<RunningServer> {
  return startServer({
    store,
    config: testConfig(),
    logger: silent,
    host: '127.0.0.1',
    port: 0,
    schedule: false,
  });
}

describe('revocation holds at once across two servers on one PostgreSQL database', () => {
  let t: TestStore;
  let second: Store;
  let a: RunningServer;
  let b: RunningServer;
  let admin: string;
  beforeAll(async () => {
    t = await openTestStore('postgres');
    second = await openStore(t.config); // the other replica's own pool
    a = await serverOn(t.store);
    b = await serverOn(second);
    admin = (await new TokenStore(t.store).create('root', ['admin'])).token;
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await second?.close();
    await t?.cleanup();
  });

  it('a token revoked through one server is refused by the other on the next request', async () => {
    const { id, token } = await new TokenStore(t.store).create('dashboard', ['read']);
    // Both servers have seen (and would have cached) the token.
    for (let i = 0; i < 3; i++) {
      expect(await teams(a, token)).toBe(200);
      expect(await teams(b, token)).toBe(200);
    }
    const r = await revokeVia(a, admin, id);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ id, revoked: true });
    expect(await teams(b, token)).toBe(401);
    expect(await teams(a, token)).toBe(401);
  });

  it('a token revoked with `pitwall token revoke` is refused by both servers on the next request', async () => {
    const { id, token } = await new TokenStore(t.store).create('cd', ['read']);
    expect(await teams(a, token)).toBe(200);
    expect(await teams(b, token)).toBe(200);
    const r = await cli(['token', 'revoke', id], { env: { DATABASE_URL: t.config.databaseUrl } });
    expect(r.code, r.stderr).toBe(0);
    expect(await teams(a, token)).toBe(401);
    expect(await teams(b, token)).toBe(401);
  });

  it('revoking an unknown id answers 404 and needs the admin scope', async () => {
    expect((await revokeVia(a, admin, 'nope')).status).toBe(404);
    const { id, token } = await new TokenStore(t.store).create('reader', ['read']);
    expect((await revokeVia(b, token, id)).status).toBe(403);
    expect(await teams(b, token)).toBe(200);
  });
});

describe('revocation on one DuckDB server', () => {
  let t: TestStore;
  let s: RunningServer;
  beforeAll(async () => {
    t = await openTestStore('duckdb');
    s = await serverOn(t.store);
  });
  afterAll(async () => {
    await s?.close();
    await t?.cleanup();
  });

  it('a token revoked through the API is refused on the next request', async () => {
    const tokens = new TokenStore(t.store);
    const admin = (await tokens.create('root', ['admin'])).token;
    const { id, token } = await tokens.create('dashboard', ['read']);
    expect(await teams(s, token)).toBe(200);
    expect((await revokeVia(s, admin, id)).status).toBe(200);
    expect(await teams(s, token)).toBe(401);
  });
});

describe('a token adds its scopes to what anonymous callers may do', () => {
  let t: TestStore;
  let app: ReturnType<typeof buildApp>;
  let ingest: string;
  beforeAll(async () => {
    t = await openTestStore('duckdb');
    const ctx = createContext({ store: t.store, config: testConfig(), logger: silent });
    app = buildApp(ctx, { anonymousRead: true, bodyLimitBytes: 1024 * 1024 });
    ingest = (await ctx.tokens.create('cd', ['ingest'])).token;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('an ingest-only token reads where an anonymous caller may, and still writes', async () => {
    expect((await app.request('/api/v1/teams')).status).toBe(200);
    expect((await app.request('/api/v1/teams', { headers: bearer(ingest) })).status).toBe(200);
    expect((await app.request('/metrics', { headers: bearer(ingest) })).status).toBe(200);
    const w = await app.request('/api/v1/ingest', {
      method: 'POST',
      headers: { ...bearer(ingest), 'content-type': 'application/json' },
      body: JSON.stringify({ records: [{ kind: 'team', team: 'growth', name: 'Growth' }] }),
    });
    expect(w.status).toBe(200);
  });

  it('gains nothing beyond that: no admin, and a bad token is still refused', async () => {
    const r = await app.request('/api/v1/tokens', {
      method: 'POST',
      headers: { ...bearer(ingest), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', scopes: ['admin'] }),
    });
    expect(r.status).toBe(403);
    expect((await app.request('/api/v1/teams', { headers: bearer('pw_unknown') })).status).toBe(401);
  });
});
