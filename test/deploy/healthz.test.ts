import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { silent } from '../server/setup.js';

async function health(url: string) {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function serve(store: Store) {
  return startServer({
    store,
    config: testConfig(),
    logger: silent,
    host: '127.0.0.1',
    port: 0,
    schedule: false,
  });
}

describe.each(ENGINES)('GET /healthz on %s', (engine) => {
  let t: TestStore;
  let server: RunningServer;
  beforeAll(async () => {
    t = await openTestStore(engine);
    server = await serve(t.store);
  });
  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
  });

  it('answers 200 with the engine, without a token and without anything secret', async () => {
    const h = await health(server.url);
    expect(h).toEqual({ status: 200, body: { ok: true, store: engine } });
    expect(JSON.stringify(h.body)).not.toMatch(/postgres:\/\/|password|\.duckdb/i);
  });
});

describe('GET /healthz on a stopped DuckDB store', () => {
  let t: TestStore;
  let server: RunningServer;
  beforeAll(async () => {
    t = await openTestStore('duckdb');
    server = await serve(t.store);
  });
  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
  });

  it('answers 503 with the reason once the store is closed', async () => {
    expect((await health(server.url)).status).toBe(200);
    await t.store.close();
    const h = await health(server.url);
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ ok: false, store: 'duckdb' });
    expect(h.body.reason).toMatch(/^the duckdb store did not answer/);
  });
});

/**
 * A TCP relay in front of the real PostgreSQL, so the test can take the database away from a
 * running server (refuse connections, or accept and never answer) without stopping the cluster
 * every other test shares.
 */
class Relay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(
    private readonly target: { host: string; port: number },
    private mode: 'relay' | 'blackhole' = 'relay',
  ) {}

  async listen(mode: 'relay' | 'blackhole'): Promise<void> {
    this.mode = mode;
    const server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => undefined);
      if (this.mode === 'blackhole') return;
      const upstream = connect(this.target.port, this.target.host);
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Stops listening and drops every open session: the database is gone. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

describe('GET /healthz when PostgreSQL goes away under a running server', () => {
  let t: TestStore;
  let relay: Relay;
  let store: Store;
  let server: RunningServer;
  beforeAll(async () => {
    t = await openTestStore('postgres');
    const url = new URL(t.config.databaseUrl!);
    relay = new Relay({ host: url.hostname, port: Number(url.port || 5432) });
    await relay.listen('relay');
    url.hostname = '127.0.0.1';
    url.port = String(relay.port);
    store = await openStore({ databaseUrl: url.toString() });
    server = await serve(store);
  });
  afterAll(async () => {
    await relay?.stop();
    await server?.close();
    await store?.close().catch(() => undefined);
    await t?.cleanup();
  });

  it('answers 503 naming PostgreSQL while unreachable, and 200 again once it is back', async () => {
    expect(await health(server.url)).toEqual({ status: 200, body: { ok: true, store: 'postgres' } });
    await relay.stop();
    const down = await health(server.url);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ ok: false, store: 'postgres' });
    expect(down.body.reason).toMatch(/^the postgres store did not answer: PostgreSQL/);
    // The password of the database URL never reaches the answer.
    const password = new URL(t.config.databaseUrl!).password;
    if (password) expect(JSON.stringify(down.body)).not.toContain(password);

    await relay.listen('relay');
    expect(await health(server.url)).toEqual({ status: 200, body: { ok: true, store: 'postgres' } });
  });

  it('answers 503 within the timeout when PostgreSQL accepts but never answers', async () => {
    await relay.stop();
    await relay.listen('blackhole');
    // The first probe finds the store's session dropped; the next one opens a session that hangs.
    expect((await health(server.url)).status).toBe(503);
    const hung = await health(server.url);
    expect(hung.status).toBe(503);
    const reason = 'the postgres store did not answer within 2000 ms';
    expect(hung.body).toEqual({
      ok: false,
      store: 'postgres',
      reason,
      error: { code: 'store_unavailable', message: reason },
    });
  });
});
