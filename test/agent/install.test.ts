import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BEGIN, BEGIN_NL, END } from '../../src/agent/install.js';
import { cli } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'pitwall-install-'));
  dirs.push(d);
  return d;
}

/** Every file and directory under `root`, with file contents: what "byte for byte" compares. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        out[relative(root, p) + '/'] = '';
        walk(p);
      } else out[relative(root, p)] = readFileSync(p, 'latin1');
    }
  };
  walk(root);
  return out;
}

const agent = (args: string[], env: Record<string, string>) =>
  cli(['agent', ...args], { cwd: env.HOME, env });

describe('pitwall agent install / uninstall', () => {
  it.each(['bash', 'zsh', 'fish'] as const)(
    '%s: install twice equals once, byte for byte; uninstall restores the start-up file exactly',
    async (shell) => {
      const home = temp();
      const env = { HOME: home, SHELL: `/usr/bin/${shell}` };
      // A start-up file whose last line has no newline (bash and zsh); fish's is created.
      if (shell === 'bash') writeFileSync(join(home, '.bashrc'), 'export EDITOR=vi\nalias ll="ls -l"');
      if (shell === 'zsh') writeFileSync(join(home, '.zshrc'), 'setopt autocd\n');
      const before = snapshot(home);
      const first = await agent(['install'], env);
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(first.stdout).toContain(`installed the ${shell} hook`);
      const once = snapshot(home);
      const rc = { bash: '.bashrc', zsh: '.zshrc', fish: '.config/fish/conf.d/pitwall.fish' }[shell];
      const rcText = once[rc]!;
      expect(rcText).toContain(join(home, '.config', 'pitwall', `hook.${shell}`));
      expect(rcText.split('\n').filter((l) => l === BEGIN || l === BEGIN_NL)).toHaveLength(1);
      expect(rcText.endsWith(`${END}\n`)).toBe(true);
      if (shell === 'bash')
        expect(rcText.startsWith(`export EDITOR=vi\nalias ll="ls -l"\n${BEGIN_NL}\n`)).toBe(true);
      if (shell === 'zsh') expect(rcText.startsWith(`setopt autocd\n${BEGIN}\n`)).toBe(true);

      const second = await agent(['install', '--shell', shell], env);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('already installed');
      expect(snapshot(home)).toEqual(once);

      const un = await agent(['uninstall'], env);
      expect(un).toMatchObject({ code: 0, stderr: '' });
      expect(snapshot(home)).toEqual(before);
      expect((await agent(['uninstall'], env)).stdout).toContain('nothing of pitwall agent was installed');
    },
  );

  it('all three shells, aliases and a service unit: uninstall takes back all of it and keeps what the user added since', async () => {
    const home = temp();
    const env = { HOME: home, SHELL: '/bin/bash' };
    writeFileSync(join(home, '.bashrc'), '# mine\n');
    mkdirSync(join(home, '.config'));
    writeFileSync(join(home, '.config', 'keep.txt'), 'x');
    const before = snapshot(home);
    for (const shell of ['bash', 'zsh', 'fish'])
      expect(
        (
          await agent(
            ['install', '--shell', shell, '--wrap', 'npm,cargo', '--wrap', 'go', '--service', 'systemd'],
            env,
          )
        ).code,
      ).toBe(0);
    const unit = readFileSync(join(home, '.config', 'systemd', 'user', 'pitwall-agent.service'), 'utf8');
    expect(unit).toMatch(/^ExecStart=\S+ \S+bin\/pitwall\.js agent run$/m);
    // The aliases are live in an interactive shell sourcing the start-up file.
    const bash = spawnSync('bash', ['--rcfile', join(home, '.bashrc'), '-i', '-c', 'alias npm; alias go'], {
      env: { HOME: home, PATH: process.env.PATH },
      encoding: 'utf8',
    });
    expect(bash.stdout).toMatch(/alias npm='.*pitwall\.js'\\'' run -- npm'/);
    expect(bash.stdout).toContain(' run -- go');
    const fish = spawnSync('fish', ['-i', '-c', 'functions cargo'], {
      env: { HOME: home, PATH: process.env.PATH, XDG_CONFIG_HOME: join(home, '.config') },
      encoding: 'utf8',
    });
    expect(fish.stdout).toMatch(/pitwall\.js' run -- cargo \$argv/);
    // The user adds a line after the block: it stays.
    appendFileSync(join(home, '.bashrc'), 'export LATER=1\n');
    const un = await agent(['uninstall'], env);
    expect(un.code).toBe(0);
    const after = snapshot(home);
    expect(after['.bashrc']).toBe('# mine\nexport LATER=1\n');
    // The shells run above wrote their (empty) spools and fish its data under ~/.local: data,
    // not install's, and uninstall leaves it.
    const installed = Object.fromEntries(Object.entries(after).filter(([k]) => !k.startsWith('.local/')));
    expect({ ...installed, '.bashrc': before['.bashrc'] }).toEqual(before);
  });

  it('--system writes the system start-up files (under PITWALL_INSTALL_ROOT) and undoes them exactly', async () => {
    const root = temp();
    const home = temp();
    mkdirSync(join(root, 'etc', 'zsh'), { recursive: true });
    writeFileSync(join(root, 'etc', 'bash.bashrc'), '# System-wide .bashrc file\n[ -z "$PS1" ] && return\n');
    writeFileSync(join(root, 'etc', 'zsh', 'zshrc'), '# /etc/zsh/zshrc\n');
    const env = { HOME: home, PITWALL_INSTALL_ROOT: root };
    const before = snapshot(root);
    for (const shell of ['bash', 'zsh', 'fish'])
      expect((await agent(['install', '--system', '--shell', shell, '--service', 'launchd'], env)).code).toBe(
        0,
      );
    const once = snapshot(root);
    expect(Object.keys(once)).toEqual(
      expect.arrayContaining([
        'etc/pitwall/hook.bash',
        'etc/pitwall/hook.zsh',
        'etc/pitwall/hook.fish',
        'etc/fish/conf.d/pitwall.fish',
        'Library/LaunchAgents/dev.pitwall.agent.plist',
      ]),
    );
    expect(once['etc/bash.bashrc']).toContain(`. '${join(root, 'etc', 'pitwall', 'hook.bash')}'`);
    // One hook for every user: the spool directory is worked out by the shell.
    expect(once['etc/pitwall/hook.bash']).toContain('${XDG_STATE_HOME:-$HOME/.local/state}/pitwall');
    expect(once['Library/LaunchAgents/dev.pitwall.agent.plist']).toContain('<string>agent</string>');
    expect(snapshot(home)).toEqual({});
    for (const shell of ['bash', 'zsh', 'fish'])
      expect((await agent(['install', '--system', '--shell', shell, '--service', 'launchd'], env)).code).toBe(
        0,
      );
    expect(snapshot(root)).toEqual(once);
    expect((await agent(['uninstall', '--system'], env)).code).toBe(0);
    expect(snapshot(root)).toEqual(before);
  });

  it('bad flags exit 2 with a message naming the fix, and write nothing', async () => {
    const home = temp();
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['install', '--shell', 'tcsh'], {}, /Allowed choices are bash, zsh, fish/],
      [
        ['install'],
        { SHELL: '/bin/tcsh' },
        /\$SHELL \("\/bin\/tcsh"\) is not bash, zsh or fish: name one with --shell/,
      ],
      [['install'], {}, /name one with --shell bash\|zsh\|fish/],
      [
        ['install', '--shell', 'bash', '--wrap', 'npm,make'],
        {},
        /--wrap "make" is not a program pitwall wraps: use some of npm,/,
      ],
      [['install', '--shell', 'bash', '--service', 'cron'], {}, /Allowed choices are systemd, launchd/],
      [['uninstall', '--shell', 'csh'], {}, /Allowed choices are bash, zsh, fish/],
    ];
    for (const [args, extra, message] of cases) {
      const r = await agent(args, { HOME: home, ...extra });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(snapshot(home)).toEqual({});
  });
});
