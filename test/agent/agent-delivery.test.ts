import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { commandId } from '../../src/agent/spool-line.js';
import { TokenStore } from '../../src/server/tokens.js';
import { openStore } from '../../src/store/open.js';
import { cli } from '../helpers/cli.js';
import { spawnCli, startServe } from '../helpers/serve-process.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { agentHome, cmd, LIVE } from './spool.js';

const DAY = 86_400_000;

/** A store with an ingest token, closed so `pitwall serve` can open it. */
async function serverStore(engine: (typeof ENGINES)[number]) {
  const t: TestStore = await openTestStore(engine);
  const { token } = await new TokenStore(t.store).create('agent', ['ingest']);
  await t.store.close();
  const env = t.config.databaseUrl
    ? { DATABASE_URL: t.config.databaseUrl }
    : { PITWALL_DB: t.config.duckdbPath! };
  return { t, token, env };
}

async function storedIds(t: TestStore): Promise<{ ids: string[]; rows: number }> {
  const s = await openStore(t.config);
  try {
    const rows = await s.query<{ id: string }>(`select id from commands`);
    return { ids: rows.map((r) => r.id).sort(), rows: rows.length };
  } finally {
    await s.close();
  }
}

async function freePort(): Promise<number> {
  const srv = http.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * In front of `pitwall serve`: passes requests through, counting the command records each
 * carried; `holdAfter` = n makes the n-th POST reach the server (which stores it) while its
 * answer is held back, the moment a sync is most exposed to being killed.
 */
function proxy(upstream: string, holdAfter: number | null) {
  let posts = 0;
  let commandsSeen = 0;
  let held!: () => void;
  const holding = new Promise<void>((r) => (held = r));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const n = req.method === 'POST' ? ++posts : 0;
      if (n)
        commandsSeen += (JSON.parse(body.toString()) as { records: { kind: string }[] }).records.filter(
          (r) => r.kind === 'command',
        ).length;
      void fetch(`${upstream}${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: req.method === 'POST' ? body : undefined,
      }).then(async (up) => {
        const text = await up.text();
        if (holdAfter !== null && n === holdAfter) {
          expect(up.status).toBe(200); // stored upstream; the agent never hears it
          held();
          return;
        }
        res.writeHead(up.status, { 'content-type': 'application/json' }).end(text);
      });
    });
  });
  return {
    server,
    holding,
    stats: () => ({ posts, commandsSeen }),
    async listen(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

describe.each(ENGINES)('agent delivery to pitwall serve on %s', (engine) => {
  it(
    'a sync killed (SIGKILL) after the server stored a batch but before the agent heard it, then re-run, leaves each command exactly once',
    { timeout: 180_000 },
    async () => {
      const { t, token, env } = await serverStore(engine);
      const home = agentHome({ batch_size: 100 });
      const serve = await startServe([], { cwd: home.dir, env });
      const p = proxy(serve.url, 2);
      try {
        const url = await p.listen();
        const all = Array.from({ length: 350 }, (_, i) =>
          cmd(LIVE, i + 1, { command: `npm test -- shard ${i}` }),
        );
        home.append(LIVE, all);
        const agentEnv = { HOME: home.dir, PITWALL_AGENT_SERVER_URL: url, PITWALL_AGENT_TOKEN: token };
        const child = spawnCli(['agent', 'sync'], { cwd: home.dir, env: agentEnv });
        await p.holding;
        child.child.kill('SIGKILL');
        expect(await child.exited).toBeNull();
        // Batch 1 (the host facts and disk sample, then 98 commands) was acknowledged; batch 2 was
        // stored but never acknowledged, so its 100 lines are still unshipped.
        expect((await cli(['agent', 'status', '--json'], { cwd: home.dir, env: agentEnv })).stdout).toContain(
          '"unshipped_lines": 252',
        );

        // Re-run (the killed agent's lock is stale and taken over): batch 2 is shipped again.
        const again = spawnCli(['agent', 'sync', '--json'], { cwd: home.dir, env: agentEnv });
        expect(await again.exited, again.stderr()).toBe(0);
        expect(JSON.parse(again.stdout())).toMatchObject({ commands: 252, error: null });
        expect(p.stats().commandsSeen).toBe(450); // 98 + 100 (stored, unheard) + 252
        serve.child.kill('SIGTERM');
        expect(await serve.exited, serve.stderr()).toBe(0);
        const stored = await storedIds(t);
        expect(stored.rows).toBe(350);
        expect(stored.ids).toEqual(all.map((c) => commandId(c)).sort());
      } finally {
        serve.child.kill('SIGKILL');
        await p.close();
        rmSync(home.dir, { recursive: true, force: true });
        await t.cleanup();
      }
    },
  );

  it(
    'a server down for a week of work, then up, receives everything; agent run holds the lock and stops on SIGTERM',
    { timeout: 180_000 },
    async () => {
      const { t, token, env } = await serverStore(engine);
      const port = await freePort();
      const home = agentHome({ batch_size: 500, sync_interval_seconds: 0.3 });
      const agentEnv = {
        HOME: home.dir,
        PITWALL_AGENT_SERVER_URL: `http://127.0.0.1:${port}`,
        PITWALL_AGENT_TOKEN: token,
      };
      const week = Date.now() - 7 * DAY;
      const first = Array.from({ length: 1200 }, (_, i) =>
        cmd(LIVE, i + 1, { startedAt: new Date(week + i * 300_000), command: `cargo build -p c${i % 7}` }),
      );
      home.append(LIVE, first);
      const run = spawnCli(['agent', 'run'], { cwd: home.dir, env: agentEnv });
      let serve: Awaited<ReturnType<typeof startServe>> | null = null;
      try {
        const statePath = join(home.spool, 'state.json');
        const lastError = () =>
          existsSync(statePath)
            ? (JSON.parse(readFileSync(statePath, 'utf8')) as { last_sync: { error: string | null } | null })
                .last_sync?.error
            : undefined;
        await until('a failed sync', () => !!lastError());
        expect(lastError()).toContain(`127.0.0.1:${port}`);

        // One agent at a time: a sync while `run` holds the lock is refused (exit 3), touching nothing.
        const second = await cli(['agent', 'sync'], { cwd: home.dir, env: agentEnv });
        expect(second.code).toBe(3);
        expect(second.stderr).toMatch(/another agent \(pid \d+, run/);
        const status = JSON.parse(
          (await cli(['agent', 'status', '--json'], { cwd: home.dir, env: agentEnv })).stdout,
        ) as {
          running: { pid: number } | null;
          unshipped_lines: number;
          last_sync: { error: string | null };
        };
        expect(status.running?.pid).toBe(run.child.pid);
        expect(status.unshipped_lines).toBe(1200);
        expect(status.last_sync.error).toBeTruthy();

        const later = Array.from({ length: 300 }, (_, i) => cmd(LIVE, 1201 + i, { command: 'git status' }));
        home.append(LIVE, later);
        serve = await startServe(['--port', String(port)], { cwd: home.dir, env });
        await until('everything shipped', () => lastError() === null, 90_000);
        await until('no line left', async () => {
          const s = await cli(['agent', 'status', '--json'], { cwd: home.dir, env: agentEnv });
          return (JSON.parse(s.stdout) as { unshipped_lines: number }).unshipped_lines === 0;
        });
        run.child.kill('SIGTERM');
        expect(await run.exited, run.stderr()).toBe(0);
        expect(run.stderr()).toContain('agent: stopped');
        expect(run.stderr().match(/sync failed/g)).toHaveLength(1); // said once, not every interval
        serve.child.kill('SIGTERM');
        expect(await serve.exited, serve.stderr()).toBe(0);
        const stored = await storedIds(t);
        expect(stored.rows).toBe(1500);
        expect(stored.ids).toEqual([...first, ...later].map((c) => commandId(c)).sort());
        expect(existsSync(join(home.spool, 'agent.lock'))).toBe(false);
      } finally {
        run.child.kill('SIGKILL');
        serve?.child.kill('SIGKILL');
        rmSync(home.dir, { recursive: true, force: true });
        await t.cleanup();
      }
    },
  );
});

describe('agent run against a server that never answers', () => {
  it(
    'stops on SIGTERM at once, cutting the request in flight, and keeps every line',
    { timeout: 60_000 },
    async () => {
      const sockets = new Set<import('node:net').Socket>();
      const hung = net.createServer((s) => sockets.add(s)); // accepts, reads nothing, answers nothing
      await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
      const home = agentHome();
      try {
        home.append(LIVE, [cmd(LIVE, 1), cmd(LIVE, 2)]);
        const run = spawnCli(['agent', 'run'], {
          cwd: home.dir,
          env: { HOME: home.dir, PITWALL_AGENT_SERVER_URL: url },
        });
        await until('the request in flight', () => sockets.size > 0);
        const t0 = Date.now();
        run.child.kill('SIGTERM');
        expect(await run.exited, run.stderr()).toBe(0);
        expect(Date.now() - t0).toBeLessThan(5_000);
        expect(run.stderr()).toContain('agent: stopped');
        const s = await cli(['agent', 'status', '--json'], {
          cwd: home.dir,
          env: { HOME: home.dir, PITWALL_AGENT_SERVER_URL: url },
        });
        expect(JSON.parse(s.stdout)).toMatchObject({ unshipped_lines: 2, running: null });
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise((r) => hung.close(r));
        rmSync(home.dir, { recursive: true, force: true });
      }
    },
  );
});

describe('a server whose body limit is below the batch', () => {
  it('gets the batch in halves that fit, each command once', { timeout: 120_000 }, async () => {
    const { t, token, env } = await serverStore('duckdb');
    const home = agentHome({ batch_size: 5000 });
    writeFileSync(join(home.dir, 'server.yaml'), 'server:\n  body_limit_mb: 0.05\n');
    const serve = await startServe([], {
      cwd: home.dir,
      env: { ...env, PITWALL_CONFIG: join(home.dir, 'server.yaml') },
    });
    try {
      const all = Array.from({ length: 1000 }, (_, i) =>
        cmd(LIVE, i + 1, { command: `pytest -k case_${i}` }),
      );
      home.append(LIVE, all);
      const r = await cli(['agent', 'sync', '--json'], {
        cwd: home.dir,
        env: { HOME: home.dir, PITWALL_AGENT_SERVER_URL: serve.url, PITWALL_AGENT_TOKEN: token },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ commands: 1000, error: null });
      serve.child.kill('SIGTERM');
      expect(await serve.exited, serve.stderr()).toBe(0);
      expect((await storedIds(t)).ids).toEqual(all.map((c) => commandId(c)).sort());
    } finally {
      serve.child.kill('SIGKILL');
      rmSync(home.dir, { recursive: true, force: true });
      await t.cleanup();
    }
  });
});

describe('a full spool', () => {
  it('drops the oldest lines across sessions, counts them, shows them in status and ships the count', async () => {
    const t = await openTestStore('duckdb');
    await t.store.close();
    const port = await freePort();
    // ~10 KB: the spool below holds about 3 times that.
    const home = agentHome({ spool_max_mb: 0.01, server_url: `http://127.0.0.1:${port}` });
    const env = { HOME: home.dir, PITWALL_DB: t.config.duckdbPath! };
    try {
      const sessions = [LIVE, `${process.ppid}-1700000000000001`];
      const all = sessions.flatMap((s, k) =>
        Array.from({ length: 120 }, (_, i) =>
          cmd(s, i + 1, {
            startedAt: new Date(Date.UTC(2026, 10, 1) + (2 * i + k) * 60_000),
            command: `make test${i}`,
          }),
        ),
      );
      for (const s of sessions)
        home.append(
          s,
          all.filter((c) => c.session === s),
        );
      const offline = await cli(['agent', 'sync', '--json'], { cwd: home.dir, env });
      expect(offline.code).toBe(3);
      const status = JSON.parse(
        (await cli(['agent', 'status', '--json'], { cwd: home.dir, env })).stdout,
      ) as {
        dropped_lines: number;
        unshipped_lines: number;
        unshipped_bytes: number;
      };
      expect(status.dropped_lines).toBeGreaterThan(100);
      expect(status.dropped_lines + status.unshipped_lines).toBe(240);
      expect(status.unshipped_bytes).toBeLessThanOrEqual(0.01 * 1024 * 1024);
      expect((await cli(['agent', 'status'], { cwd: home.dir, env })).stdout).toContain(
        `dropped: ${status.dropped_lines} oldest lines`,
      );

      // Back online (here: the local store): the newest lines arrive, and the dropped count too.
      writeFileSync(join(home.dir, 'pitwall.yaml'), `agent:\n  spool_dir: ${JSON.stringify(home.spool)}\n`);
      const online = await cli(['agent', 'sync', '--json'], { cwd: home.dir, env });
      expect(online.code, online.stderr).toBe(0);
      const newest = [...all]
        .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
        .slice(0, status.unshipped_lines);
      expect((await storedIds(t)).ids).toEqual(newest.map((c) => commandId(c)).sort());
      const s = await openStore(t.config);
      try {
        const points = await s.query<{ value: number }>(
          `select value from metric_points where name = 'agent.spool.dropped_lines'`,
        );
        expect(points.map((p) => p.value)).toEqual([status.dropped_lines]);
      } finally {
        await s.close();
      }
    } finally {
      rmSync(home.dir, { recursive: true, force: true });
      await t.cleanup();
    }
  });
});
