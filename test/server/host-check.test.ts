import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAllowedHosts } from '../../src/server/host-check.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { openTestStore, type TestStore } from '../helpers/stores.js';
import { silent } from './setup.js';

/** A GET with any Host header (fetch will not send one of our choosing). */
function getWithHost(url: string, path: string, host: string) {
  return new Promise<{
    status: number;
    body: { error?: { code: string; message: string; details: unknown } };
  }>((resolve, reject) => {
    const req = request(`${url}${path}`, { headers: { host }, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Host check against DNS rebinding (reads open to anonymous viewers)', () => {
  let t: TestStore;
  let open: RunningServer;
  let named: RunningServer;
  let port: string;
  beforeAll(async () => {
    t = await openTestStore('duckdb');
    const base = {
      store: t.store,
      logger: silent,
      host: '127.0.0.1',
      port: 0,
      anonymousRead: true,
      schedule: false,
    };
    open = await startServer({ ...base, config: testConfig() });
    port = new URL(open.url).port;
    const cfg = testConfig();
    named = await startServer({
      ...base,
      config: {
        ...cfg,
        server: { ...cfg.server, allowed_hosts: ['pitwall.example.com', 'metrics.example.com:8443'] },
      },
    });
  });
  afterAll(async () => {
    await open?.close();
    await named?.close();
    await t?.cleanup();
  });

  it('answers the loopback names, with or without the port', async () => {
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'localhost',
      `LOCALHOST:${port}`,
      `[::1]:${port}`,
    ])
      expect((await getWithHost(open.url, '/api/v1/teams', host)).status, host).toBe(200);
  });

  it('refuses any other name with a 403 envelope naming server.allowed_hosts', async () => {
    for (const host of [
      `evil.example:${port}`,
      'attacker.test',
      `127.0.0.1.nip.io:${port}`,
      `10.0.0.5:${port}`,
    ]) {
      const r = await getWithHost(open.url, '/api/v1/teams', host);
      expect(r.status, host).toBe(403);
      expect(r.body.error).toMatchObject({ code: 'forbidden', details: { setting: 'server.allowed_hosts' } });
      expect(r.body.error!.message).toContain('server.allowed_hosts');
    }
    // The web app and /metrics are behind the same check.
    expect((await getWithHost(open.url, '/', 'evil.example')).status).toBe(403);
    expect((await getWithHost(open.url, '/metrics', 'evil.example')).status).toBe(403);
  });

  it('answers /healthz whatever the Host, for probes that address the pod by IP', async () => {
    const r = await getWithHost(open.url, '/healthz', `10.1.2.3:${port}`);
    expect(r).toEqual({ status: 200, body: { ok: true, store: 'duckdb' } });
  });

  it('answers only the configured names when server.allowed_hosts is set', async () => {
    const u = named.url;
    expect((await getWithHost(u, '/api/v1/teams', 'pitwall.example.com')).status).toBe(200);
    expect((await getWithHost(u, '/api/v1/teams', `pitwall.example.com:${port}`)).status).toBe(200);
    expect((await getWithHost(u, '/api/v1/teams', 'metrics.example.com:8443')).status).toBe(200);
    expect((await getWithHost(u, '/api/v1/teams', 'metrics.example.com:9000')).status).toBe(403);
    expect((await getWithHost(u, '/api/v1/teams', 'localhost')).status).toBe(403);
  });

  it('defaults to loopback plus the bound address, unless it binds every interface', () => {
    expect(defaultAllowedHosts('127.0.0.1')).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(defaultAllowedHosts('0.0.0.0')).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(defaultAllowedHosts('::')).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(defaultAllowedHosts('10.0.0.5')).toEqual(['localhost', '127.0.0.1', '[::1]', '10.0.0.5']);
    expect(defaultAllowedHosts('fd00::5')).toEqual(['localhost', '127.0.0.1', '[::1]', '[fd00::5]']);
  });
});
