import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/server/tokens.js';
import { openStore } from '../../src/store/open.js';
import { startServe } from '../helpers/serve-process.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

type Outcome =
  { kind: 'answered'; status: number } | { kind: 'refused'; how: string } | { kind: 'cut'; how: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An ingest whose body arrives in two halves: the server has the request in flight from the
 * first half on, and the second half is sent only once the server is draining.
 */
function slowIngest(url: string, token: string, team: string, release: Promise<void>): Promise<Outcome> {
  const body = JSON.stringify({ records: [{ kind: 'team', team, name: `Team ${team}` }] });
  return new Promise((resolve) => {
    const req = request(
      `${url}/api/v1/ingest`,
      {
        method: 'POST',
        agent: false,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve(
            res.statusCode === 200 && JSON.parse(text).total === 1
              ? { kind: 'answered', status: 200 }
              : { kind: 'cut', how: `status ${res.statusCode}: ${text}` },
          ),
        );
        res.on('error', (e) => resolve({ kind: 'cut', how: e.message }));
      },
    );
    req.on('error', (e) => resolve({ kind: 'cut', how: e.message }));
    req.write(body.slice(0, 10));
    void release.then(() => req.end(body.slice(10)));
  });
}

/** A request on a new connection: refused (connection refused, or a 503 envelope) or answered. */
function lateRead(url: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(`${url}/healthz`, { agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        if (res.statusCode === 503 && JSON.parse(text).error.code === 'shutting_down')
          resolve({ kind: 'refused', how: '503' });
        else resolve({ kind: 'answered', status: res.statusCode! });
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve(e.code === 'ECONNREFUSED' ? { kind: 'refused', how: e.code } : { kind: 'cut', how: e.message }),
    );
    req.end();
  });
}

/**
 * A connection opened before the stop whose request head is finished only during the drain:
 * the server must answer it 503 `shutting_down` with `Connection: close`, not drop it.
 */
function lateOnOpenConnection(url: string, release: Promise<void>): Promise<Outcome> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('error', (e) => resolve({ kind: 'cut', how: e.message }));
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d+)/.exec(text)?.[1];
      const closes = /\r\nconnection: close\r\n/i.test(text);
      if (status === '503' && closes && text.includes('"shutting_down"'))
        resolve({ kind: 'refused', how: '503 on an open connection' });
      else resolve({ kind: 'cut', how: `got ${JSON.stringify(text.slice(0, 200))}` });
    });
    socket.write(`GET /api/v1/teams HTTP/1.1\r\nHost: ${hostname}:${port}\r\n`);
    void release.then(() => socket.write('\r\n'));
  });
}

const ROUNDS = 2;
const SLOW = 6;

describe.each(ENGINES)('SIGTERM on pitwall serve drains on %s', (engine) => {
  it(
    `finishes every request in flight, refuses the rest, cuts none and exits 0 (${ROUNDS} stops)`,
    { timeout: 180_000 },
    async () => {
      const totals = { answered: 0, refused: 0, cut: 0 };
      for (let round = 0; round < ROUNDS; round++) {
        const t: TestStore = await openTestStore(engine);
        const dir = mkdtempSync(join(tmpdir(), 'pitwall-drain-'));
        try {
          const { token } = await new TokenStore(t.store).create('cd', ['ingest']);
          await t.store.close(); // the server opens it
          writeFileSync(join(dir, 'pitwall.yaml'), 'server:\n  drain_timeout_seconds: 30\n');
          const env = t.config.databaseUrl
            ? { DATABASE_URL: t.config.databaseUrl }
            : { PITWALL_DB: t.config.duckdbPath };
          const serve = await startServe([], { cwd: dir, env });
          let release!: () => void;
          const released = new Promise<void>((r) => (release = r));
          const slow = Array.from({ length: SLOW }, (_, i) =>
            slowIngest(serve.url, token, `drain-${round}-${i}`, released),
          );
          const onOpen = lateOnOpenConnection(serve.url, released);
          await sleep(500); // every slow request has reached the app
          serve.child.kill('SIGTERM');
          await sleep(500); // the server is draining
          const late = Array.from({ length: 4 }, () => lateRead(serve.url));
          release();
          const outcomes = await Promise.all([...slow, onOpen, ...late]);
          const code = await serve.exited;
          const tally = { answered: 0, refused: 0, cut: 0 };
          for (const o of outcomes) tally[o.kind]++;
          expect(
            outcomes.filter((o) => o.kind === 'cut'),
            serve.stderr(),
          ).toEqual([]);
          expect(outcomes.slice(0, SLOW).every((o) => o.kind === 'answered')).toBe(true);
          expect(outcomes[SLOW]).toEqual({ kind: 'refused', how: '503 on an open connection' });
          expect(code, serve.stderr()).toBe(0);
          expect(serve.stderr()).toContain('serve: stopped');
          // What was answered 200 is stored: the drain flushed and closed the store cleanly.
          const s = await openStore(t.config);
          try {
            const rows = await s.query<{ team: string }>(
              `select team from teams where team like 'drain-%' order by team`,
            );
            expect(rows).toHaveLength(SLOW);
          } finally {
            await s.close();
          }
          for (const k of ['answered', 'refused', 'cut'] as const) totals[k] += tally[k];
        } finally {
          rmSync(dir, { recursive: true, force: true });
          await t.cleanup();
        }
      }
      expect(totals).toEqual({ answered: ROUNDS * SLOW, refused: ROUNDS * 5, cut: 0 });
    },
  );
});

describe('the drain deadline', () => {
  it(
    'cuts a request that outlives server.drain_timeout_seconds, logs it, and still exits 0',
    { timeout: 60_000 },
    async () => {
      const t = await openTestStore('duckdb');
      const dir = mkdtempSync(join(tmpdir(), 'pitwall-drain-'));
      try {
        const { token } = await new TokenStore(t.store).create('cd', ['ingest']);
        await t.store.close();
        writeFileSync(join(dir, 'pitwall.yaml'), 'server:\n  drain_timeout_seconds: 1\n');
        const serve = await startServe([], { cwd: dir, env: { PITWALL_DB: t.config.duckdbPath } });
        const never = slowIngest(serve.url, token, 'never', new Promise<void>(() => undefined));
        await sleep(500);
        const t0 = Date.now();
        serve.child.kill('SIGTERM');
        expect(await serve.exited, serve.stderr()).toBe(0);
        expect(Date.now() - t0).toBeLessThan(10_000);
        expect((await never).kind).toBe('cut');
        expect(serve.stdout()).toContain('drain deadline');
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await t.cleanup();
      }
    },
  );
});
