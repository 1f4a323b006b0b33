import { spawn as spawnProcess, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type IPty } from '@lydell/node-pty';
import { hookScript } from '../src/agent/hooks/index.js';
import { fmt, percentile, type BenchResult } from './harness.js';

/**
 * Added latency per interactive command: bash and zsh through a pty, each with no hook (the
 * baseline), with the pitwall hook, and with a blocking `$(command true)` in the prompt hook
 * (what a hook that runs a program per command costs), side by side in the same run: rounds
 * of commands go to each shell in turn, so machine noise falls on all of them alike.
 * A sample is the time from writing `:` + Enter to the next prompt arriving. Processes forked
 * per command are counted apart (strace -f attached to the shell, not timed).
 */

const COMMANDS = Number(process.env.PITWALL_BENCH_HOOK_COMMANDS ?? 500);
const ROUND = 25;
const PROMPT = 'PW> ';

type Variant = 'none' | 'pitwall' | 'blocking $(cmd)' | 'self-timed';
/** `self-timed`: the pitwall hook with its functions timed from inside the shell (not in the pty rows). */
const VARIANTS: Variant[] = ['none', 'pitwall', 'blocking $(cmd)', 'self-timed'];

interface Shell {
  shell: 'bash' | 'zsh';
  variant: Variant;
  pty: IPty;
  out: string;
  prompts: number;
  samples: number[];
  onPrompt: (() => void) | null;
}

function rcText(shell: 'bash' | 'zsh', variant: Variant, dir: string): string {
  const lines = [`PS1='${PROMPT}'`, `HISTFILE=${join(dir, `hist-${shell}`)}`];
  if (shell === 'zsh') lines.push('unsetopt prompt_sp');
  if (variant === 'pitwall' || variant === 'self-timed') {
    const hook = join(dir, `hook.${shell}`);
    writeFileSync(hook, hookScript(shell, { spoolDir: join(dir, 'spool'), wrap: [], pitwall: ['pitwall'] }));
    lines.push(`. ${hook}`);
  }
  // Microseconds spent in the hook's functions per command, appended to self.txt.
  const us = '${EPOCHREALTIME/[.,]/}';
  if (variant === 'self-timed' && shell === 'bash')
    lines.push(
      `exec {__tfd}>>${join(dir, 'self.txt')}`,
      `__ret() { return $1; }`,
      `__tpost() { local s=$? a=${us}; __ret $s; __pitwall_precmd; local b=${us}; (( __pitwall_n )) && echo $((b - a)) >&$__tfd; }`,
      'PROMPT_COMMAND=${PROMPT_COMMAND/__pitwall_precmd/__tpost}',
    );
  if (variant === 'self-timed' && shell === 'zsh')
    lines.push(
      'zmodload zsh/datetime',
      `exec {__tfd}>>${join(dir, 'self.txt')}`,
      'typeset -gi __tpre=0',
      `__ret() { return $1 }`,
      `__tp() { local a=${us}; __pitwall_preexec "$@"; local b=${us}; __tpre=$(( (b - a) / 1000 )) }`,
      `__tq() { local s=$? a=${us}; __ret $s; __pitwall_precmd; local b=${us}; (( __tpre )) && print $(( __tpre + (b - a) / 1000 )) >&$__tfd; __tpre=0 }`,
      'preexec_functions=(${preexec_functions/__pitwall_preexec/__tp})',
      'precmd_functions=(${precmd_functions/__pitwall_precmd/__tq})',
    );
  if (variant === 'blocking $(cmd)')
    lines.push(
      shell === 'bash'
        ? `__blocking() { __x=$(command true); }; PROMPT_COMMAND=__blocking`
        : `__blocking() { __x=$(command true) }; precmd_functions+=(__blocking)`,
    );
  return lines.join('\n') + '\n';
}

function start(shell: 'bash' | 'zsh', variant: Variant, root: string): Shell {
  const dir = join(root, `${shell}-${variant.replace(/\W+/g, '')}`);
  mkdirSync(dir, { recursive: true });
  const rc = join(dir, shell === 'bash' ? 'bashrc' : '.zshrc');
  writeFileSync(rc, rcText(shell, variant, dir));
  const args = shell === 'bash' ? ['--noprofile', '--rcfile', rc, '-i'] : ['-i', '-d'];
  const pty = spawn(shell, args, {
    name: 'dumb',
    cols: 200,
    rows: 50,
    cwd: dir,
    env: {
      HOME: dir,
      ZDOTDIR: dir,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TERM: 'dumb',
      LANG: 'C.UTF-8',
      USER: 'bench',
    },
  });
  const s: Shell = { shell, variant, pty, out: '', prompts: 0, samples: [], onPrompt: null };
  pty.onData((d) => {
    s.out = (s.out + d).slice(-200);
    let i = s.out.indexOf(PROMPT);
    while (i >= 0) {
      s.prompts++;
      s.out = s.out.slice(i + PROMPT.length);
      const cb = s.onPrompt;
      s.onPrompt = null;
      cb?.();
      i = s.out.indexOf(PROMPT);
    }
  });
  return s;
}

function untilPrompt(s: Shell, after: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${s.shell} (${s.variant}): no prompt within 10 s`)), 10_000);
    const check = () => {
      if (s.prompts > after) {
        clearTimeout(t);
        resolve();
      } else s.onPrompt = check;
    };
    check();
  });
}

async function command(s: Shell): Promise<number> {
  const n = s.prompts;
  const t0 = performance.now();
  s.pty.write(':\r');
  await untilPrompt(s, n);
  return performance.now() - t0;
}

/** Processes the shell forks over `n` commands (clone, clone3, fork, vfork), by strace. */
async function forksPer(s: Shell, n: number, dir: string): Promise<number | null> {
  const out = join(dir, `strace-${s.shell}-${s.variant.replace(/\W+/g, '')}.txt`);
  const st = spawnProcess(
    'strace',
    ['-f', '-c', '-e', 'trace=clone,clone3,fork,vfork', '-o', out, '-p', String(s.pty.pid)],
    {
      stdio: 'ignore',
    },
  );
  await new Promise((r) => setTimeout(r, 500)); // attached
  for (let i = 0; i < n; i++) await command(s);
  st.kill('SIGINT');
  await new Promise((r) => st.on('exit', r));
  let text: string;
  try {
    text = readFileSync(out, 'utf8');
  } catch {
    return null;
  }
  let calls = 0;
  for (const m of text.matchAll(/^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(clone3?|v?fork)\s*$/gm))
    calls += Number(m[1]);
  return calls / n;
}

export async function hookLatencyBench(): Promise<BenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'pitwall-bench-hook-'));
  const shells: Shell[] = [];
  try {
    for (const shell of ['bash', 'zsh'] as const)
      for (const v of VARIANTS) shells.push(start(shell, v, root));
    await Promise.all(shells.map((s) => untilPrompt(s, 0)));
    for (const s of shells) for (let i = 0; i < 20; i++) await command(s); // warm up
    // On-CPU time of each shell over the timed commands (/proc/<pid>/schedstat, ns): what the
    // hook costs the machine, free of the scheduling noise wall-clock samples carry.
    const cpu = (s: Shell) => {
      try {
        return Number(readFileSync(`/proc/${s.pty.pid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        return NaN;
      }
    };
    const cpu0 = new Map(shells.map((s) => [s, cpu(s)]));
    for (let done = 0; done < COMMANDS; done += ROUND)
      for (const s of shells) for (let i = 0; i < ROUND; i++) s.samples.push(await command(s));

    const cpuPer = new Map(shells.map((s) => [s, (cpu(s) - cpu0.get(s)!) / 1e6 / s.samples.length]));
    const hasStrace = spawnSync('strace', ['-V']).status === 0;
    const forks = new Map<Shell, number | null>();
    for (const s of shells) forks.set(s, hasStrace ? await forksPer(s, 50, root) : null);

    const spooled = readdirSync(join(root, 'bash-pitwall', '..'))
      .flatMap((d) => {
        try {
          return readdirSync(join(root, d, 'spool', 'commands'))
            .filter((f) => f.endsWith('.spool'))
            .map((f) => join(root, d, 'spool', 'commands', f));
        } catch {
          return [];
        }
      })
      .map((f) => readFileSync(f, 'utf8').split('\n').length - 1);

    const selfTimes = (shell: string) => {
      try {
        return readFileSync(join(root, `${shell}-selftimed`, 'self.txt'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((n) => Number(n) / 1000)
          .sort((a, b) => a - b);
      } catch {
        return [];
      }
    };
    const lines = [
      `${COMMANDS} \`:\` commands per shell through a pty, in rounds of ${ROUND} taken in turn; a sample is Enter to the next prompt`,
      `shell  hook              p50 ms   p95 ms   added p50   added p95   ratio p50   shell cpu ms/cmd   added cpu   forks/command`,
    ];
    for (const shell of ['bash', 'zsh'] as const) {
      const base = shells.find((s) => s.shell === shell && s.variant === 'none')!;
      const b = [...base.samples].sort((x, y) => x - y);
      for (const s of shells.filter((x) => x.shell === shell && x.variant !== 'self-timed')) {
        const v = [...s.samples].sort((x, y) => x - y);
        const p50 = percentile(v, 0.5);
        const p95 = percentile(v, 0.95);
        const f = forks.get(s);
        lines.push(
          [
            shell.padEnd(6),
            s.variant.padEnd(17),
            fmt(p50, 3).padStart(6),
            fmt(p95, 3).padStart(8),
            fmt(p50 - percentile(b, 0.5), 3).padStart(11),
            fmt(p95 - percentile(b, 0.95), 3).padStart(11),
            `${fmt(p50 / percentile(b, 0.5), 2)}x`.padStart(11),
            fmt(cpuPer.get(s)!, 3).padStart(18),
            fmt(cpuPer.get(s)! - cpuPer.get(base)!, 3).padStart(11),
            (f === null || f === undefined ? 'n/a (no strace)' : fmt(f, 2)).padStart(15),
          ].join(' '),
        );
      }
    }
    for (const shell of ['bash', 'zsh'] as const) {
      const t = selfTimes(shell);
      lines.push(
        `${shell}: time inside the pitwall hook's functions per command, timed by the shell itself: p50 ${fmt(percentile(t, 0.5), 3)} ms, p95 ${fmt(percentile(t, 0.95), 3)} ms (${t.length} commands)`,
      );
    }
    lines.push(
      `spool lines written by the hooked shells: ${spooled.join(', ')} (expected ${COMMANDS + 20 + 50} each)`,
    );
    lines.push(
      "shell cpu: the shell process's own on-CPU time per command (the blocking row's child processes not included)",
    );
    lines.push(
      `load average at the end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
    );
    lines.push('goal: added p95 <= 1 ms and 0 forks per command for the pitwall hook');
    return { name: 'hook-latency', lines };
  } finally {
    for (const s of shells) {
      try {
        s.pty.kill();
      } catch {
        // gone
      }
    }
    await new Promise((r) => setTimeout(r, 300)); // the shells write their history as they exit
    rmSync(root, { recursive: true, force: true, maxRetries: 5 });
  }
}
