import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { createContext } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { openTestStore, type TestStore } from '../helpers/stores.js';
import { bearer, silent } from './setup.js';

describe('unsupported methods on known paths', () => {
  let t: TestStore;
  let app: ReturnType<typeof buildApp>;
  let admin: string;
  beforeAll(async () => {
    t = await openTestStore('duckdb');
    const ctx = createContext({ store: t.store, config: testConfig(), logger: silent });
    app = buildApp(ctx, { anonymousRead: false, bodyLimitBytes: 1024 * 1024 });
    admin = (await ctx.tokens.create('root', ['admin'])).token;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it.each([
    ['PUT', '/api/v1/teams', 'GET, HEAD'],
    ['DELETE', '/api/v1/report', 'GET, HEAD'],
    ['OPTIONS', '/api/v1/registry', 'GET, HEAD'],
    ['PATCH', '/api/v1/metrics/ci.runs.count', 'GET, HEAD'],
    ['PUT', '/api/v1/metrics/ci.runs.count/explain', 'GET, HEAD'],
    ['GET', '/api/v1/ingest', 'POST'],
    ['DELETE', '/api/v1/ingest', 'POST'],
    ['PUT', '/api/v1/incidents/inc-1/resolve', 'POST'],
    ['GET', '/api/v1/tokens', 'POST'],
    ['PUT', '/api/v1/tokens/abc', 'DELETE'],
    ['POST', '/healthz', 'GET, HEAD'],
    ['DELETE', '/metrics', 'GET, HEAD'],
  ])('%s %s answers 405 with Allow: %s and the envelope', async (method, path, allow) => {
    const r = await app.request(path, { method, headers: bearer(admin) });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe(allow);
    const body = (await r.json()) as { error: { code: string; message: string; details: unknown } };
    expect(body.error).toMatchObject({ code: 'method_not_allowed', details: { allow: allow.split(', ') } });
    expect(body.error.message).toContain(method);
  });

  it('still answers 404 with the envelope for paths that do not exist', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nope'],
      ['PUT', '/api/v1/nope'],
      ['DELETE', '/api/v2/teams'],
    ] as const) {
      const r = await app.request(path, { method, headers: bearer(admin) });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });

  it('leaves the supported methods alone', async () => {
    expect((await app.request('/api/v1/teams', { headers: bearer(admin) })).status).toBe(200);
    expect((await app.request('/api/v1/teams', { method: 'HEAD', headers: bearer(admin) })).status).toBe(200);
  });
});
