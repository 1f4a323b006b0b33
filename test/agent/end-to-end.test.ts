import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/server/tokens.js';
import { openStore } from '../../src/store/open.js';
import { cli } from '../helpers/cli.js';
import { PtyShell } from '../helpers/pty-shell.js';
import { startServe } from '../helpers/serve-process.js';
import { openTestStore } from '../helpers/stores.js';

/**
 * The whole way, as a developer meets it: `pitwall agent install` into their bash, commands
 * typed at a real prompt (one with a token in it), `pitwall agent sync` to a real
 * `pitwall serve` with an ingest token, then the rows in the warehouse and the developer's own
 * numbers from `pitwall agent stats`.
 */
const TOKEN = `ghp_${'a1B2c3D4e5'.repeat(3)}abcdef`;

describe('the shell agent end to end', () => {
  it(
    'bash commands reach pitwall serve redacted, each once, and show in agent stats',
    { timeout: 120_000 },
    async () => {
      const t = await openTestStore('duckdb');
      const { token } = await new TokenStore(t.store).create('laptops', ['ingest']);
      await t.store.close();
      const home = mkdtempSync(join(tmpdir(), 'pitwall-e2e-'));
      const env = {
        HOME: home,
        USER: 'pw-dev',
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TERM: 'xterm',
        LANG: 'C.UTF-8',
      };
      const serve = await startServe([], { cwd: home, env: { PITWALL_DB: t.config.duckdbPath! } });
      try {
        writeFileSync(join(home, '.bashrc'), `pw_n=0\nPROMPT_COMMAND='((pw_n++))'\nPS1='PW\${pw_n}> '\n`);
        const installed = await cli(['agent', 'install', '--shell', 'bash'], { cwd: home, env });
        expect(installed.code, installed.stderr).toBe(0);

        const sh = new PtyShell('bash', ['--rcfile', join(home, '.bashrc'), '-i'], env, home);
        await sh.nextPrompt(15_000);
        await sh.run(`export GITHUB_TOKEN=${TOKEN}`);
        await sh.run('true');
        await sh.run('(exit 3)');
        await sh.run('sleep 0.2');
        // `exit` never reaches a next prompt: it is not recorded.
        sh.pty.write('exit\r');
        await new Promise<void>((resolve) => sh.pty.onExit(() => resolve()));

        const agentEnv = { ...env, PITWALL_AGENT_SERVER_URL: serve.url, PITWALL_AGENT_TOKEN: token };
        const synced = await cli(['agent', 'sync', '--json'], { cwd: home, env: agentEnv });
        expect(synced.code, synced.stderr).toBe(0);
        expect(JSON.parse(synced.stdout)).toMatchObject({ commands: 4, error: null });
        // Again: nothing new is shipped, nothing is stored twice.
        expect(
          JSON.parse((await cli(['agent', 'sync', '--json'], { cwd: home, env: agentEnv })).stdout),
        ).toMatchObject({
          commands: 0,
          error: null,
        });

        serve.child.kill('SIGTERM');
        expect(await serve.exited, serve.stderr()).toBe(0);
        const store = await openStore(t.config);
        const rows = await store.query<{
          command: string;
          exit_code: number;
          duration_ms: number;
          user_name: string;
          shell: string;
        }>('select command, exit_code, duration_ms, user_name, shell from commands order by started_at');
        await store.close();
        // Compared as a set: this test is about what arrives (test/agent/hooks.test.ts checks start times).
        expect(rows.map((r) => [r.command, r.exit_code]).sort()).toEqual(
          [
            ['export GITHUB_TOKEN=[REDACTED]', 0],
            ['true', 0],
            ['(exit 3)', 3],
            ['sleep 0.2', 0],
          ].sort(),
        );
        expect(rows.every((r) => r.user_name === 'pw-dev' && r.shell === 'bash')).toBe(true);
        expect(rows.find((r) => r.command === 'sleep 0.2')!.duration_ms).toBeGreaterThanOrEqual(199);
        expect(JSON.stringify(rows)).not.toContain(TOKEN.slice(4));
        expect(serve.stderr()).not.toContain(TOKEN.slice(4));

        const stats = await cli(['agent', 'stats', '--json'], { cwd: home, env: agentEnv });
        expect(stats.code, stats.stderr).toBe(0);
        expect(JSON.parse(stats.stdout).report.summary.runs).toBe(4);
      } finally {
        serve.child.kill('SIGKILL');
        rmSync(home, { recursive: true, force: true });
        await t.cleanup();
      }
    },
  );
});
