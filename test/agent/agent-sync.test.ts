import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandId } from '../../src/agent/spool-line.js';
import { openStore } from '../../src/store/open.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { agentHome, cmd, DEAD, LIVE, T0 } from './spool.js';

/** `pitwall agent sync` into the local store, on both engines: what lands, what waits, what is counted. */
describe.each(ENGINES)('pitwall agent sync into the local store on %s', (engine) => {
  let t: TestStore;
  let home: ReturnType<typeof agentHome>;
  beforeEach(async () => {
    t = await openTestStore(engine);
    await t.store.close(); // the CLI opens the store itself, as a user's process would
    home = agentHome({ batch_size: 7 });
  });
  afterEach(async () => {
    await t.cleanup();
    rmSync(home.dir, { recursive: true, force: true });
  });
  const env = () => ({
    HOME: home.dir,
    ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : { PITWALL_DB: t.config.duckdbPath! }),
  });
  const sync = async () => {
    const r = await cli(['agent', 'sync', '--json'], { cwd: home.dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { commands: number; bad: number; removed: number };
  };
  const query = async <T extends object>(sql: string): Promise<T[]> => {
    const s = await openStore(t.config);
    try {
      return await s.query<T>(sql);
    } finally {
      await s.close();
    }
  };
  const rows = () => query<Record<string, unknown>>(`select * from commands order by session, started_at`);

  it('stores every field, attaches network lines (also ones that came first), waits for partial lines and counts bad ones', async () => {
    home.network(LIVE, 2, 850); // pitwall run wrote this before the hook wrote the command line
    home.append(LIVE, [
      cmd(LIVE, 1, { command: 'npm test', exitCode: 1, cwd: '/nonexistent/a\tb' }),
      cmd(LIVE, 2, { command: 'npm install' }),
    ]);
    home.appendRaw(LIVE, 'p1\tbash\tlaptop-1\tgarbage\n');
    home.append(DEAD, [cmd(DEAD, 1, { shell: 'zsh', command: 'cargo build --release' })]);
    home.appendRaw(LIVE, 'p1\tbash\tlaptop-1'); // a line still being written
    home.network(LIVE, 5, 120); // its command arrives in a later sync

    // Developer caches: the known ones under HOME, and one configured in agent.cache_dirs.
    mkdirSync(join(home.dir, '.npm', '_cacache', 'x'), { recursive: true });
    writeFileSync(join(home.dir, '.npm', '_cacache', 'x', 'blob'), Buffer.alloc(4096));
    writeFileSync(join(home.dir, '.npm', 'index'), 'abc');

    const first = await sync();
    expect(first).toMatchObject({ commands: 3, bad: 1, removed: 1 });
    let got = await rows();
    expect(got).toHaveLength(3);
    const npmTest = got.find((r) => r.command === 'npm test')!;
    expect(npmTest).toMatchObject({
      id: commandId({ host: 'laptop-1', session: LIVE, seq: 1 }),
      user_name: 'ada',
      host: 'laptop-1',
      category: 'test',
      cwd: '/nonexistent/a\tb',
      repo: null,
      exit_code: 1,
      duration_ms: 1500.25,
      network_ms: null,
      shell: 'bash',
      session: LIVE,
    });
    expect((npmTest.started_at as Date).getTime()).toBe(T0 + 60_000);
    expect(got.find((r) => r.command === 'npm install')).toMatchObject({
      category: 'install',
      network_ms: 850,
      network_rx_bytes: 2000,
      network_tx_bytes: 20,
    });
    expect(got.find((r) => r.session === DEAD)).toMatchObject({ category: 'build', shell: 'zsh' });
    // The exited shell's file is gone once consumed; the live one is never touched.
    expect(existsSync(home.commandsFile(DEAD))).toBe(false);
    expect(existsSync(home.commandsFile(LIVE))).toBe(true);

    // The partial line is completed (its tail arrives), plus more commands: only the new ones ship.
    home.appendRaw(LIVE, '\n');
    home.append(LIVE, [cmd(LIVE, 5, { command: 'yarn' })]);
    const second = await sync();
    expect(second).toMatchObject({ commands: 1, bad: 1 });
    got = await rows();
    expect(got).toHaveLength(4);
    expect(got.find((r) => r.command === 'yarn')).toMatchObject({ network_ms: 120, category: 'install' });

    // Nothing new: nothing shipped, nothing duplicated.
    expect(await sync()).toMatchObject({ commands: 0 });
    expect(await rows()).toHaveLength(4);

    const status = await cli(['agent', 'status', '--json'], { cwd: home.dir, env: env() });
    const s = JSON.parse(status.stdout) as Record<string, unknown>;
    expect(s).toMatchObject({
      bad_lines: 2,
      unshipped_lines: 0,
      dropped_lines: 0,
      network_waiting: 0,
      running: null,
    });
    expect((s.bad_samples as { reason: string }[]).map((b) => b.reason)).toEqual([
      'expected 11 fields, got 4',
      'expected 11 fields, got 3',
    ]);
    expect((s.last_sync as { error: string | null }).error).toBeNull();

    // The agent's own records: host facts once a day, disk free as a metric point.
    const facts = await query<{ cpu_count: number; memory_bytes: number; uname: string }>(
      `select cpu_count, memory_bytes, uname from host_facts`,
    );
    expect(facts).toHaveLength(1);
    expect(facts[0]!.cpu_count).toBeGreaterThan(0);
    expect(facts[0]!.memory_bytes).toBeGreaterThan(0);
    const disk = await query<{ n: number }>(
      `select count(*) as n from metric_points where name = 'dev.disk.free_bytes'`,
    );
    expect(Number(disk[0]!.n)).toBe(1); // sampled at most hourly: three syncs, one point
    const caches = await query<{ value: number; tags: string }>(
      `select value, tags from metric_points where name = 'dev.cache.size_bytes'`,
    );
    expect(caches).toEqual([{ value: 4099, tags: JSON.stringify({ cache: 'npm', host: hostname() }) }]);

    // The history holds what was shipped, redacted, one JSON command record a line.
    const historyDir = join(home.spool, 'history');
    const lines = readdirSync(historyDir).flatMap((f) =>
      readFileSync(join(historyDir, f), 'utf8').trim().split('\n'),
    );
    expect(lines.map((l) => (JSON.parse(l) as { command: string }).command).sort()).toEqual(
      ['cargo build --release', 'npm install', 'npm test', 'yarn'].sort(),
    );
  });

  it('privacy: program keeps only the program name and drops the directory, in the store and the history', async () => {
    rmSync(home.dir, { recursive: true, force: true });
    home = agentHome({ privacy: 'program' });
    const token = `ghp_${'A1b2'.repeat(9)}`;
    home.append(DEAD, [
      cmd(DEAD, 1, { command: `GH_TOKEN=${token} gh pr create --title secret-plans` }),
      cmd(DEAD, 2, { command: `./gradlew test --tests Foo` }),
    ]);
    await sync();
    const got = await rows();
    expect(got.map((r) => [r.command, r.category, r.cwd])).toEqual([
      ['gh', 'git', null],
      ['gradlew', 'test', null],
    ]);
    for (const r of got) expect(JSON.stringify(r)).not.toContain(token);
    const history = readdirSync(join(home.spool, 'history'))
      .map((f) => readFileSync(join(home.spool, 'history', f), 'utf8'))
      .join('');
    expect(history).not.toContain(token);
    expect(history).not.toContain('secret-plans');
  });
});

describe('pitwall agent status', () => {
  it('names the start-up files `pitwall agent install` wrote, for the user and system-wide', async () => {
    const home = agentHome();
    const root = join(home.dir, 'root');
    const env = { HOME: home.dir, PITWALL_INSTALL_ROOT: root, SHELL: '/bin/bash' };
    try {
      const before = await cli(['agent', 'status'], { cwd: home.dir, env });
      expect(before.stdout).toContain('installed: no hook found');
      expect((await cli(['agent', 'install', '--shell', 'bash'], { cwd: home.dir, env })).code).toBe(0);
      expect(
        (await cli(['agent', 'install', '--shell', 'zsh', '--system'], { cwd: home.dir, env })).code,
      ).toBe(0);
      const s = JSON.parse((await cli(['agent', 'status', '--json'], { cwd: home.dir, env })).stdout) as {
        installed: { file: string; scope: string }[];
        running: null;
        last_sync: null;
      };
      expect(s.installed).toEqual([
        { file: join(home.dir, '.bashrc'), scope: 'user' },
        { file: join(root, 'etc', 'zsh', 'zshrc'), scope: 'system' },
      ]);
      expect(s).toMatchObject({ running: null, last_sync: null });
      expect((await cli(['agent', 'uninstall', '--shell', 'bash'], { cwd: home.dir, env })).code).toBe(0);
      const after = JSON.parse((await cli(['agent', 'status', '--json'], { cwd: home.dir, env })).stdout) as {
        installed: { scope: string }[];
      };
      expect(after.installed.map((h) => h.scope)).toEqual(['system']);
    } finally {
      rmSync(home.dir, { recursive: true, force: true });
    }
  });
});
