import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/serve-process.js';

/** `pitwall serve` with this statsd: section; resolves with its exit code and its last stderr line. */
async function serveWith(statsd: string): Promise<{ code: number | null; last: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-statsd-bind-'));
  try {
    writeFileSync(join(dir, 'pitwall.yaml'), `statsd:\n  enabled: true\n${statsd}`);
    const p = spawnCli(['serve', '--host', '127.0.0.1', '--port', '0'], {
      cwd: dir,
      env: { PITWALL_DB: join(dir, 'p.duckdb') },
    });
    const code = await p.exited;
    const lines = p.stderr().trim().split('\n');
    return { code, last: lines[lines.length - 1]!, stderr: p.stderr() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('pitwall serve when the StatsD listener cannot bind', () => {
  it(
    'exits 2 with one line naming statsd.port and the fix when the port is taken',
    { timeout: 60_000 },
    async () => {
      const other = createSocket('udp4');
      await new Promise<void>((r) => other.bind(0, '127.0.0.1', () => r()));
      const port = other.address().port;
      try {
        const r = await serveWith(`  port: ${port}\n`);
        expect(r.code, r.stderr).toBe(2);
        expect(r.last).toBe(
          `pitwall: statsd.port: cannot listen on udp 127.0.0.1:${port} (EADDRINUSE): another process (often a Datadog agent or another StatsD server) has it: stop it, or set statsd.port to a free port (0 picks one)`,
        );
        expect(r.stderr).not.toMatch(/unexpected error|at .*\.ts:\d+/);
      } finally {
        other.close();
      }
    },
  );

  it('exits 2 naming statsd.socket_path when the path is not a socket', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pitwall-statsd-file-'));
    const file = join(dir, 'taken.txt');
    writeFileSync(file, 'x');
    try {
      const r = await serveWith(`  port: 0\n  socket_path: ${JSON.stringify(file)}\n`);
      expect(r.code, r.stderr).toBe(2);
      expect(r.last).toBe(
        `pitwall: statsd.socket_path ${JSON.stringify(file)} exists and is not a socket: choose another path or remove that file`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
