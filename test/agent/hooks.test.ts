import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  existsSync,
  symlinkSync,
} from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSpoolLine, type SpoolCommand } from '../../src/agent/spool-line.js';
import type { Shell } from '../../src/agent/hooks/index.js';
import { cli } from '../helpers/cli.js';
import { PtyShell } from '../helpers/pty-shell.js';

/**
 * The hooks in real bash, zsh and fish (Debian's), installed into a temporary HOME by
 * `pitwall agent install`, driven through a pseudo-terminal. Each start-up file sets a prompt
 * `PW<n>> ` counting fresh prompts and a Ctrl-T key binding, before the block install appends.
 */

const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

const USER = 'pw-tester';

const startup: Record<Shell, { file: string; text: string }> = {
  bash: {
    file: '.bashrc',
    text: `pw_n=0\nPROMPT_COMMAND='((pw_n++))'\nPS1='PW\${pw_n}> '\nbind -x '"\\C-t": true'\n`,
  },
  zsh: {
    file: '.zshrc',
    text: `setopt prompt_subst\ntypeset -i pw_n=0\npw_count() { (( pw_n++ )); return 0 }\nprecmd_functions+=(pw_count)\nPS1='PW\${pw_n}> '\nw() { true }\nzle -N w\nbindkey '^T' w\n`,
  },
  fish: {
    file: '.config/fish/conf.d/00-test.fish',
    text:
      `set -g pw_n 0\nfunction __pw_count --on-event fish_prompt\n    set -g pw_n (math $pw_n + 1)\nend\nfunction fish_prompt\n    printf 'PW%s> ' $pw_n\nend\nfunction fish_greeting\nend\nbind \\ct true\n` +
      // fish's bracketed paste drops a tab: the special command line comes from a file, by a key binding.
      `function __pw_special\n    read -lz s < $HOME/special.txt\n    commandline -r -- $s\nend\nbind \\cx __pw_special\n`,
  },
};

async function shellIn(shell: Shell, extraEnv: Record<string, string> = {}, settings = '') {
  const home = mkdtempSync(join(tmpdir(), `pitwall-hook-${shell}-`));
  homes.push(home);
  const s = startup[shell];
  mkdirSync(join(home, s.file, '..'), { recursive: true });
  writeFileSync(join(home, s.file), settings + s.text);
  const env = {
    HOME: home,
    USER,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TERM: 'xterm',
    LANG: 'C.UTF-8',
    ...extraEnv,
  };
  const r = await cli(['agent', 'install', '--shell', shell], { cwd: home, env });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const args = shell === 'bash' ? ['--rcfile', join(home, '.bashrc'), '-i'] : ['-i'];
  const ptyEnv = { ...env, ZDOTDIR: home, XDG_CONFIG_HOME: join(home, '.config') };
  const sh = new PtyShell(shell, args, ptyEnv, home);
  await sh.nextPrompt(15_000);
  return { home, sh };
}

function records(home: string): SpoolCommand[] {
  const dir = join(home, '.local', 'state', 'pitwall', 'commands');
  if (!existsSync(dir)) return [];
  const out: SpoolCommand[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.spool'))) {
    const text = readFileSync(join(dir, f), 'utf8');
    expect(text === '' || text.endsWith('\n'), `${f} ends with a newline`).toBe(true);
    for (const line of text.split('\n').slice(0, -1)) {
      const p = parseSpoolLine(line);
      if (!p.ok) throw new Error(`${f}: ${p.reason}: ${JSON.stringify(line)}`);
      out.push(p.value);
    }
  }
  return out;
}

// Typed as a paste: a tab, a backslash, both quotes and a newline, literally.
const SPECIAL = `true "a\tb" 'c\\d' "e\\"f" 'g\nh'`;

describe.each(['bash', 'zsh', 'fish'] as const)('the %s hook, in a real shell on a pty', (shell) => {
  it('records each interactive command once, with every field, and nothing for empty lines, Ctrl-C or key bindings', async () => {
    const t0 = Date.now();
    const { home, sh } = await shellIn(shell);
    try {
      await sh.run('true');
      await sh.run('false');
      await sh.run(`sh -c 'exit 3'`);
      await sh.run('sleep 0.3');
      await sh.run(''); // an empty line
      await sh.keys('\x03'); // Ctrl-C at an empty prompt
      await sh.keys('\x14'); // a key binding running a command
      await sh.keys('\x0c'); // Ctrl-L: the prompt redrawn
      if (shell === 'fish') {
        writeFileSync(join(home, 'special.txt'), SPECIAL);
        await sh.keys('\x18', 300);
        await sh.run('');
      } else await sh.paste(SPECIAL);
      await sh.run(`sh -c 'echo "$PITWALL_SESSION $PITWALL_SEQ" > env.txt'`);
      mkdirSync(join(home, 'my dir'));
      await sh.run(`cd 'my dir'`);
      await sh.run('pwd');
    } finally {
      await sh.exit();
    }
    const t1 = Date.now();
    const rs = records(home);
    expect(rs.map((r) => [r.command, r.exitCode])).toEqual([
      ['true', 0],
      ['false', 1],
      [`sh -c 'exit 3'`, 3],
      ['sleep 0.3', 0],
      [SPECIAL, 0],
      [`sh -c 'echo "$PITWALL_SESSION $PITWALL_SEQ" > env.txt'`, 0],
      [`cd 'my dir'`, 0],
      ['pwd', 0],
    ]);
    const session = rs[0]!.session;
    expect(session).toMatch(/^\d+-\d+$/);
    expect(session.split('-')[0]).toBe(String(sh.pid));
    rs.forEach((r, i) => {
      expect(r.shell).toBe(shell);
      expect(r.host).toBe(hostname());
      expect(r.session).toBe(session);
      expect(r.seq).toBe(i + 1);
      // fish sets $USER itself, from the account database.
      expect(r.user).toBe(shell === 'fish' ? userInfo().username : USER);
      expect(r.startedAt.getTime()).toBeGreaterThanOrEqual(t0 - 1000);
      // fish's start times come from /proc/uptime's 10 ms ticks plus an epoch offset estimated
      // once (src/agent/hooks/fish.ts): good to about 10 ms, so the last can read just past t1.
      expect(r.startedAt.getTime()).toBeLessThanOrEqual(t1 + (shell === 'fish' ? 20 : 0));
      if (i) expect(r.startedAt.getTime()).toBeGreaterThanOrEqual(rs[i - 1]!.startedAt.getTime());
    });
    // Durations from the shell's clock: sleep 0.3 within [300 ms, 300 ms + 1.5 s]; `true`
    // under 0.5 s (fish measures whole milliseconds).
    const sleep = rs[3]!;
    expect(sleep.durationMs).toBeGreaterThanOrEqual(299);
    expect(sleep.durationMs).toBeLessThan(1800);
    expect(rs[0]!.durationMs).toBeLessThan(500);
    // The command started where the prompt was: `cd` in HOME, `pwd` in the new directory.
    expect(rs.map((r) => r.cwd)).toEqual([...Array(7).fill(home), join(home, 'my dir')]);
    // Exported before the command ran: its own session and seq.
    expect(readFileSync(join(home, 'env.txt'), 'utf8')).toBe(`${session} 6\n`);
  });

  it('costs the shell nothing when the spool cannot be written: no error at the prompt, commands still run', async () => {
    const blocker = mkdtempSync(join(tmpdir(), 'pitwall-blocked-'));
    homes.push(blocker);
    writeFileSync(join(blocker, 'state'), 'a file where the state directory should be\n');
    const { home, sh } = await shellIn(shell, { XDG_STATE_HOME: join(blocker, 'state') });
    let out: string;
    try {
      await sh.run('echo hello-$USER');
      await sh.run('false');
      await sh.run('echo again');
      out = sh.out;
    } finally {
      await sh.exit();
    }
    expect(out).toContain(`hello-${shell === 'fish' ? userInfo().username : USER}`);
    expect(out).toContain('again');
    expect(out).not.toMatch(/pitwall|not a directory|no such file|permission denied|error/i);
    expect(readdirSync(blocker)).toEqual(['state']);
    expect(records(home)).toEqual([]);
  });
});

describe('commands kept out of history are not recorded; repeats are', () => {
  it.each([
    ['bash', 'HISTCONTROL=ignoreboth\n'],
    ['zsh', 'setopt hist_ignore_space hist_ignore_dups\n'],
    ['fish', ''],
  ] as const)('%s', async (shell, setting) => {
    const { home, sh } = await shellIn(shell, {}, setting);
    try {
      await sh.run('true');
      await sh.run('true'); // a repeat: under ignoredups not saved again, still recorded
      await sh.run(' echo hidden-from-history');
      await sh.run('false');
      if (shell !== 'fish') await sh.run('history > hist.txt');
    } finally {
      await sh.exit();
    }
    const rs = records(home);
    expect(rs.map((r) => r.command)).toEqual([
      'true',
      'true',
      'false',
      ...(shell === 'fish' ? [] : ['history > hist.txt']),
    ]);
    expect(rs.map((r) => r.exitCode).slice(0, 3)).toEqual([0, 0, 1]);
    // The seq the hidden command took is skipped, not reused: a network line it wrote stays its own.
    expect(rs.map((r) => r.seq).slice(0, 3)).toEqual(shell === 'fish' ? [1, 2, 3] : [1, 2, 4]);
    if (shell === 'bash') {
      const hist = readFileSync(join(home, 'hist.txt'), 'utf8');
      expect(hist).not.toContain('hidden-from-history');
      expect(hist).toContain('false');
    }
  });
});

describe('the fish hook on a full disk', () => {
  it('shows a failed append once, then stops writing (the spool file replaced by /dev/full)', async () => {
    const { home, sh } = await shellIn('fish');
    let out: string;
    try {
      await sh.run('true');
      const dir = join(home, '.local', 'state', 'pitwall', 'commands');
      const [file] = readdirSync(dir).filter((f) => f.endsWith('.spool'));
      rmSync(join(dir, file!));
      symlinkSync('/dev/full', join(dir, file!));
      const before = sh.out.length;
      await sh.run('echo still-here');
      await sh.run('false');
      out = sh.out.slice(before);
    } finally {
      await sh.exit();
    }
    expect(out).toContain('still-here');
    // fish prints a failed builtin write on its own stderr, whatever 2> says: the hook stops
    // after the first, so the line appears once and never again.
    expect(out.match(/No space left on device/g)).toHaveLength(1);
    expect(out).not.toMatch(/pitwall|error/i);
  });
});
