import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';

/**
 * Runs a command in the foreground the way a shell would: the user's terminal (inherited
 * stdio), its exit status passed through exactly, a death by signal N reported as 128+N (what
 * `$?` shows after a shell's own child is killed).
 *
 * Signals: SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2 sent to `pitwall run` are forwarded to the
 * command. SIGINT and SIGQUIT are forwarded only when stdin is not a terminal: typed at a
 * terminal (Ctrl-C, Ctrl-\) the kernel already delivers them to the whole foreground process
 * group, the command included, so forwarding would deliver them twice (GNU time and sudo avoid
 * the same); `pitwall run` itself then waits for the command rather than dying first.
 */
export interface Ran {
  exitCode: number;
  signal: NodeJS.Signals | null;
  /** Wall clock at spawn, and the run's wall time in ms (monotonic clock). */
  startedAt: Date;
  durationMs: number;
  /** performance.now() when the command exited. */
  endedAt: number;
}

const ALWAYS: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'];
const FROM_TERMINAL: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT'];

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Called once the command has a pid (to start measuring it). */
  onSpawn?: (child: ChildProcess) => void;
  /** Whether stdin is a terminal (decides SIGINT/SIGQUIT forwarding). */
  terminal?: boolean;
  /** Where a command that cannot start is named (the CLI's stderr). */
  err: (text: string) => void;
}

export function runForeground(argv: readonly string[], o: RunOptions): Promise<Ran> {
  const startedAt = new Date();
  const t0 = performance.now();
  return new Promise((resolve) => {
    // The handlers go in before the command starts: a signal sent once the command has shown
    // any sign of life (under load, before the line after spawn ran) must not kill us instead.
    // Node runs them from the event loop, so `started.child` is always set by the time one runs.
    const started: { child?: ChildProcess } = {};
    const forwarded = o.terminal ? ALWAYS : [...ALWAYS, ...FROM_TERMINAL];
    const handlers = new Map<NodeJS.Signals, () => void>();
    for (const sig of [...ALWAYS, ...FROM_TERMINAL]) {
      const h = forwarded.includes(sig)
        ? () => {
            const c = started.child;
            if (c && c.exitCode === null && c.signalCode === null) c.kill(sig);
          }
        : () => {}; // delivered to the command by the terminal; we only outlive it
      handlers.set(sig, h);
      process.on(sig, h);
    }
    const child = spawn(argv[0]!, argv.slice(1), { cwd: o.cwd, env: o.env, stdio: 'inherit' });
    started.child = child;
    const done = (r: Omit<Ran, 'startedAt' | 'durationMs' | 'endedAt'>) => {
      const endedAt = performance.now();
      for (const [sig, h] of handlers) process.off(sig, h);
      resolve({ ...r, startedAt, durationMs: endedAt - t0, endedAt });
    };
    child.once('error', (e: NodeJS.ErrnoException) => {
      // What a shell answers: 127 not found, 126 found but not runnable.
      o.err(`pitwall run: ${argv[0]}: ${e.code === 'ENOENT' ? 'command not found' : e.message}\n`);
      done({ exitCode: e.code === 'ENOENT' ? 127 : 126, signal: null });
    });
    child.once('spawn', () => o.onSpawn?.(child));
    child.once('exit', (code, signal) =>
      done({
        exitCode: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0),
        signal,
      }),
    );
  });
}
