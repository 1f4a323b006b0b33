import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest.js';
import { startStatsdListener, type StatsdListener } from '../../src/listeners/statsd/listener.js';
import { openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * The sender is node-unix-socket's own DgramSocket (the package the listener binds with):
 * hot-shots' `protocol: 'uds'` needs unix-dgram, which compiles at install, and installs here
 * run no build scripts.
 */
interface Dgram {
  bind(path: string): void;
  sendTo(buf: Buffer, offset: number, length: number, path: string, cb?: (e?: Error) => void): void;
  close(): void;
}
const { DgramSocket } = createRequire(import.meta.url)('node-unix-socket') as {
  DgramSocket: new () => Dgram;
};

function send(path: string, text: string): Promise<void> {
  const s = new DgramSocket();
  const buf = Buffer.from(text);
  return new Promise((resolve, reject) =>
    s.sendTo(buf, 0, buf.length, path, (e) => {
      s.close();
      if (e) reject(e);
      else resolve();
    }),
  );
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let open: { listener?: StatsdListener; store?: TestStore; dir?: string } = {};
afterEach(async () => {
  await open.listener?.close();
  await open.store?.cleanup();
  if (open.dir) rmSync(open.dir, { recursive: true, force: true });
  open = {};
});

describe('StatsD on a Unix datagram socket (statsd.socket_path)', () => {
  it('takes DogStatsD packets on the socket beside UDP, into one aggregation, and removes the socket on close', async () => {
    const dir = (open.dir = mkdtempSync(join(tmpdir(), 'pitwall-uds-')));
    const path = join(dir, 'dsd.socket');
    const t = (open.store = await openTestStore('duckdb'));
    const listener = (open.listener = await startStatsdListener({
      port: 0,
      socketPath: path,
      flushIntervalSeconds: 3600,
      flush: (r) => ingest(t.store, r).then(() => undefined),
    }));
    expect(listener.health().socketPath).toBe(path);
    // Several lines per datagram, as a buffering client sends them; an event and a bad line too.
    await send(path, 'uds.hits:2|c|#repo:a\nuds.hits:3|c|#repo:a\nuds.time:40|ms|#repo:a\n');
    await send(path, '_e{5,4}:title|text\nnot a metric\n');
    await until(() => listener.health().packets === 2, 'two datagrams');
    await listener.close();
    expect(existsSync(path)).toBe(false);
    expect(listener.health()).toMatchObject({ metrics: 3, events: 1, malformed: 1 });
    const rows = await t.store.query<{ name: string; value: number; tags: string }>(
      `select name, value, tags from metric_points where name in ('uds.hits', 'uds.time.count') order by name`,
    );
    expect(rows.map((r) => [r.name, Number(r.value), JSON.parse(r.tags)])).toEqual([
      ['uds.hits', 5, { repo: 'a' }],
      ['uds.time.count', 1, { repo: 'a' }],
    ]);
  });

  it('replaces a stale socket file, and refuses a path in use or a file that is not a socket, naming the setting', async () => {
    const dir = (open.dir = mkdtempSync(join(tmpdir(), 'pitwall-uds-')));
    const path = join(dir, 'dsd.socket');
    // A socket file whose listener is gone (bound, then closed without unlinking).
    const stale = new DgramSocket();
    stale.bind(path);
    stale.close();
    expect(existsSync(path)).toBe(true);
    const listener = (open.listener = await startStatsdListener({
      port: 0,
      socketPath: path,
      flush: () => {},
    }));
    await send(path, 'x.y:1|c');
    await until(() => listener.health().metrics === 1, 'a datagram on the replaced socket');

    await expect(startStatsdListener({ port: 0, socketPath: path, flush: () => {} })).rejects.toThrow(
      /statsd\.socket_path ".*dsd\.socket": another process is listening there/,
    );
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'not a socket');
    await expect(startStatsdListener({ port: 0, socketPath: file, flush: () => {} })).rejects.toThrow(
      /statsd\.socket_path ".*plain\.txt" exists and is not a socket/,
    );
    await expect(
      startStatsdListener({ port: 0, socketPath: join(dir, 'missing', 'x.sock'), flush: () => {} }),
    ).rejects.toThrow(/statsd\.socket_path .*cannot bind/);
  });
});
