import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNetworkLine, parseSpoolLine } from '../../src/agent/spool-line.js';
import { cli } from '../helpers/cli.js';
import { spawnCli } from '../helpers/serve-process.js';

/**
 * `pitwall run` through the real CLI (a child process, as a shell runs it) against a real HTTP
 * server on 127.0.0.1 that paces its answer: 2 MB in 20 chunks, one every 50 ms, so the bytes
 * flow for 950 ms from the first chunk to the last.
 *
 * Tolerance on network_ms, against the time the server really took to send (950 ms when its
 * timers keep time; more on a loaded machine): at least 80% of it, at most it + 400 ms. Sampling
 * (100 ms intervals) over-counts by up to one interval at each end of the burst; the rest is
 * the latency of a sample on a loaded machine (an `ss` fork), which stretches an interval.
 */
const TOTAL = 2_000_000;
const CHUNKS = 20;
const PACE_MS = 50;
const PACED_MS = (CHUNKS - 1) * PACE_MS;
const isLinux = process.platform === 'linux';

let http: Server;
/** How long each answer really took to send, first chunk to last (timers slip on a loaded machine). */
const transfers: number[] = [];
let idle: TcpServer;
const idleSockets: Socket[] = [];
let base: string;
let idlePort: number;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pitwall-run-'));
  http = createHttpServer((req, res) => {
    res.writeHead(200, { 'content-length': TOTAL, connection: 'close' });
    let sent = 0;
    const first = performance.now();
    const send = () => {
      res.write(Buffer.alloc(TOTAL / CHUNKS, 97));
      if (++sent === CHUNKS) {
        res.end();
        transfers.push(performance.now() - first);
      } else setTimeout(send, PACE_MS);
    };
    send();
  });
  // Accepts and never says a word: a socket held open with no traffic.
  idle = createTcpServer((s) => idleSockets.push(s));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => idle.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  idlePort = (idle.address() as { port: number }).port;
});

afterAll(async () => {
  for (const s of idleSockets) s.destroy();
  http.closeAllConnections();
  await new Promise((r) => http.close(r));
  await new Promise((r) => idle.close(r));
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
/** A fresh spool (XDG_STATE_HOME) per run, the CLI run to its end. */
async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const state = join(dir, `state-${++n}`);
  const p = spawnCli(['run', ...args], { cwd: dir, env: { XDG_STATE_HOME: state, ...env } });
  const code = await p.exited;
  const spool = join(state, 'pitwall');
  const lines = (sub: string) =>
    existsSync(join(spool, sub))
      ? readdirSync(join(spool, sub)).flatMap((f) => ({
          file: f,
          lines: readFileSync(join(spool, sub, f), 'utf8')
            .split('\n')
            .filter(Boolean),
        }))
      : [];
  return {
    code,
    stderr: p.stderr(),
    stdout: p.stdout(),
    commands: lines('commands'),
    network: lines('network'),
  };
}

const node = (script: string) => ['--', process.execPath, '-e', script];

describe.runIf(isLinux)('pitwall run: network against compute (Linux)', () => {
  it('a paced 2 MB download: every byte, and network_ms within tolerance of the paced time', async () => {
    const r = await run(
      node(
        `fetch(${JSON.stringify(base + '/2mb')}).then(r => r.arrayBuffer()).then(b => { if (b.byteLength !== ${TOTAL}) process.exit(3) })`,
      ),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.network).toHaveLength(1);
    const net = parseNetworkLine(r.network[0]!.lines[0]!);
    expect(net.ok).toBe(true);
    if (!net.ok) return;
    expect(net.value.rxBytes).toBeGreaterThanOrEqual(TOTAL);
    expect(net.value.rxBytes).toBeLessThan(TOTAL + 2_000); // the response headers, nothing else
    expect(net.value.txBytes).toBeGreaterThan(50); // the request
    const sent = transfers.at(-1)!;
    expect(sent).toBeGreaterThanOrEqual(PACED_MS);
    expect(net.value.networkMs).toBeGreaterThanOrEqual(0.8 * sent);
    expect(net.value.networkMs).toBeLessThanOrEqual(sent + 400);
    // Its own record too, under the same session: not run under a hook.
    const cmd = parseSpoolLine(r.commands[0]!.lines[0]!);
    expect(cmd.ok).toBe(true);
    if (!cmd.ok) return;
    expect(cmd.value).toMatchObject({
      shell: 'run',
      host: hostname(),
      session: net.value.session,
      seq: 1,
      exitCode: 0,
      cwd: dir,
    });
    expect(cmd.value.session).toMatch(/^run-\d+-\d+$/);
    expect(cmd.value.command).toContain('fetch(');
    expect(net.value.networkMs).toBeLessThanOrEqual(cmd.value.durationMs);
  });

  it('a busy loop of 500 ms has no network time', async () => {
    const r = await run(node('const t = Date.now(); while (Date.now() - t < 500);'));
    expect(r.code).toBe(0);
    const net = parseNetworkLine(r.network[0]!.lines[0]!);
    if (!net.ok) throw new Error(net.reason);
    expect(net.value).toMatchObject({ networkMs: 0, rxBytes: 0, txBytes: 0 });
    const cmd = parseSpoolLine(r.commands[0]!.lines[0]!);
    if (!cmd.ok) throw new Error(cmd.reason);
    expect(cmd.value.durationMs).toBeGreaterThanOrEqual(500);
  });

  it('an open TCP socket that moves nothing adds no network time', async () => {
    const r = await run(
      node(
        `const s = require('node:net').connect(${idlePort}, '127.0.0.1', () => { const t = Date.now(); while (Date.now() - t < 600); s.destroy(); })`,
      ),
    );
    expect(r.code).toBe(0);
    const net = parseNetworkLine(r.network[0]!.lines[0]!);
    if (!net.ok) throw new Error(net.reason);
    expect(net.value).toMatchObject({ networkMs: 0, rxBytes: 0, txBytes: 0 });
  });

  it('under a hook: only the network line, with the hook session and seq', async () => {
    const session = '4242-1733100000000000';
    const r = await run(node(`fetch(${JSON.stringify(base + '/x')}).then(r => r.arrayBuffer())`), {
      PITWALL_SESSION: session,
      PITWALL_SEQ: '17',
    });
    expect(r.code).toBe(0);
    expect(r.commands).toEqual([]); // the hook writes the command's line itself
    expect(r.network.map((f) => f.file)).toEqual([`${session}.spool`]);
    const net = parseNetworkLine(r.network[0]!.lines[0]!);
    if (!net.ok) throw new Error(net.reason);
    expect(net.value).toMatchObject({ host: hostname(), session, seq: 17 });
    expect(net.value.rxBytes).toBeGreaterThanOrEqual(TOTAL);
  });
});

describe('pitwall run: the command runs as the shell would run it', () => {
  it('passes the exit code through', async () => {
    const r = await run(['--', 'sh', '-c', 'exit 7']);
    expect(r.code).toBe(7);
    expect(r.stderr).toBe('');
    const cmd = parseSpoolLine(r.commands[0]!.lines[0]!);
    if (!cmd.ok) throw new Error(cmd.reason);
    expect(cmd.value).toMatchObject({ exitCode: 7, command: "sh -c 'exit 7'" });
  });

  it('a death by SIGTERM exits 143', async () => {
    const r = await run(['--', 'sh', '-c', 'kill -TERM $$']);
    expect(r.code).toBe(143);
    const cmd = parseSpoolLine(r.commands[0]!.lines[0]!);
    if (!cmd.ok) throw new Error(cmd.reason);
    expect(cmd.value.exitCode).toBe(143);
  });

  it('forwards SIGTERM to the command and returns its answer', async () => {
    const p = spawnCli(
      ['run', '--', 'sh', '-c', 'trap "exit 9" TERM; echo ready; while :; do sleep 0.05; done'],
      {
        cwd: dir,
        env: { XDG_STATE_HOME: join(dir, 'state-term') },
      },
    );
    for (let i = 0; i < 400 && !p.stdout().includes('ready'); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(p.stdout()).toContain('ready');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(9);
  });

  it('a command that does not exist: 127, named', async () => {
    const r = await run(['--', 'no-such-command-pitwall']);
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('no-such-command-pitwall: command not found');
  });

  it('options after the command are the command’s', async () => {
    const r = await run(['sh', '-c', 'echo "$1"', 'x', '--summary']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('--summary\n');
  });

  it('a config or spool problem costs one warning, never the command', async () => {
    const badSpool = join(dir, 'a-file');
    writeFileSync(badSpool, 'not a directory');
    const cfg = join(dir, 'spool-is-a-file.yaml');
    writeFileSync(cfg, `agent:\n  spool_dir: ${JSON.stringify(badSpool)}\n`);
    const spool = await run(['--', 'sh', '-c', 'exit 5'], { PITWALL_CONFIG: cfg });
    expect(spool.code).toBe(5);
    expect(spool.stderr).toMatch(/^pitwall run: not recorded: .*\n$/);

    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'agent: [unclosed\n');
    const config = await run(['--', 'sh', '-c', 'echo ran; exit 6'], { PITWALL_CONFIG: broken });
    expect(config.code).toBe(6);
    expect(config.stdout).toBe('ran\n');
    expect(config.stderr.trim().split('\n')).toHaveLength(1);
    expect(config.stderr).toContain('not valid YAML');
    expect(config.commands).toEqual([]);
  });

  it('no command: exit 2 and how to call it', async () => {
    const r = await cli(['run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pitwall run needs a command to run: pitwall run -- CMD [ARGS...]');
    const bad = await cli(['run', '--sample-ms', 'often', '--', 'true']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sample-ms "often"');
  });
});
