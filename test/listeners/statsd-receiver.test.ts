import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startStatsdListener } from '../../src/listeners/statsd/listener.js';

const SENDER = fileURLToPath(new URL('../../bench/statsd-sender.ts', import.meta.url));

describe('StatsD listener while its main thread is blocked', () => {
  it(
    'loses nothing: the worker thread drains the socket past what the kernel buffer holds',
    { timeout: 60_000 },
    async () => {
      const listener = await startStatsdListener({
        port: 0,
        // 8 MiB (the default): 20,000 datagrams of 1.4 KB, some 40 MB as the kernel accounts them,
        // overflow it several times while this thread is blocked.
        receiveBufferBytes: 8 << 20,
        flushIntervalSeconds: 3600,
        flush: () => {},
      });
      try {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', SENDER, String(listener.port), '200000', '2', '20'],
          {
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        const exited = new Promise<void>((r) => child.on('exit', () => r()));
        // Block this thread (no event loop turns, as a long synchronous flush or request would)
        // across the sender's start and its two seconds of sending.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5000);
        await exited;
        const sent = JSON.parse(out) as { lines: number };
        expect(sent.lines).toBe(400_000);
        const deadline = Date.now() + 10_000;
        while (listener.health().metrics < sent.lines && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        expect(listener.health()).toMatchObject({ metrics: sent.lines, queueDropped: 0, malformed: 0 });
      } finally {
        await listener.close();
      }
    },
  );
});
