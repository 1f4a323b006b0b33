import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkMeasure } from './run-measure.js';
import { formatNetworkLine, formatSpoolLine } from './spool-line.js';

/**
 * Where `pitwall run` files what it measured. Under a shell hook (PITWALL_SESSION and
 * PITWALL_SEQ exported before the command) only the `n1` line: the hook writes the command's
 * own `p1` line at the next prompt, and the agent joins the two by (host, session, seq). Run
 * alone (a script, CI, a shell without the hook) it writes both, under a session of its own
 * (`run-<pid>-<start_us>`, seq 1), so the command is recorded either way.
 */
export interface HookContext {
  session: string;
  seq: number;
}

/** The hook's session and seq from the environment, or null when not run under a hook. */
export function hookContext(env: NodeJS.ProcessEnv): HookContext | null {
  const session = env.PITWALL_SESSION;
  const seq = Number(env.PITWALL_SEQ);
  // The session becomes a file name: no separators, no dot files.
  if (!session || !/^[A-Za-z0-9_.-]+$/.test(session) || session.startsWith('.')) return null;
  if (!Number.isSafeInteger(seq) || seq < 1) return null;
  return { session, seq };
}

export interface RunRecord {
  host: string;
  user: string;
  cwd: string;
  /** The command as a shell would show it (argv quoted where needed). */
  command: string;
  startedAt: Date;
  durationMs: number;
  exitCode: number;
  pid: number;
}

/** A session id for a run outside any hook: unique per run, like the hooks' `<pid>-<start_us>`. */
export function ownSession(r: Pick<RunRecord, 'pid' | 'startedAt'>): string {
  return `run-${r.pid}-${r.startedAt.getTime() * 1000}`;
}

/** Appends the run's lines; throws on a file error (the caller warns and carries on). */
export function writeRunLines(
  dirs: { commands: string; network: string },
  r: RunRecord,
  hook: HookContext | null,
  net: NetworkMeasure | null,
): { session: string; seq: number } {
  const { session, seq } = hook ?? { session: ownSession(r), seq: 1 };
  // One write(2) per line on an O_APPEND descriptor: a line never interleaves with another
  // writer's (the hook's, another `pitwall run` of the same session).
  if (net) {
    mkdirSync(dirs.network, { recursive: true });
    appendFileSync(
      join(dirs.network, `${session}.spool`),
      formatNetworkLine({
        host: r.host,
        session,
        seq,
        networkMs: net.networkMs,
        rxBytes: net.rxBytes,
        txBytes: net.txBytes,
      }) + '\n',
    );
  }
  if (!hook) {
    mkdirSync(dirs.commands, { recursive: true });
    appendFileSync(
      join(dirs.commands, `${session}.spool`),
      formatSpoolLine({
        shell: 'run',
        host: r.host,
        session,
        seq,
        startedAt: r.startedAt,
        durationMs: r.durationMs,
        exitCode: r.exitCode,
        user: r.user,
        cwd: r.cwd,
        command: r.command,
      }) + '\n',
    );
  }
  return { session, seq };
}

/** argv as one line a shell would read back the same: words with specials single-quoted. */
export function shellJoin(argv: readonly string[]): string {
  return argv
    .map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
