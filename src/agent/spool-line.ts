import { hash } from 'node:crypto';

/**
 * One line of the agent's spool: what a shell hook appends, with builtins only, after each
 * interactive command. Tab-separated, newline-terminated, fields in this order:
 *
 *   p1 <shell> <host> <session> <seq> <start_us> <duration_us> <exit> <user> <cwd> <command>
 *
 * - `p1`: the format's version; a reader skips (and counts) a line of a version it does not know.
 * - `shell`: bash, zsh or fish. `host`: the shell's own host name variable.
 * - `session`: chosen once per shell at start-up (pid and start time), `seq`: 1, 2, ... per
 *   command of that session: (host, session, seq) is the command's stable identity, so a line
 *   read twice (a sync killed and re-run) is stored once.
 * - `start_us`: microseconds since the Unix epoch on the shell's clock; `duration_us`: the
 *   shell's own measure of wall time (EPOCHREALTIME difference, or fish's CMD_DURATION x 1000).
 * - `cwd` and `command` have `\` `TAB` `LF` `CR` escaped as `\\` `\t` `\n` `\r`.
 *
 * A line without its trailing newline is still being written (or was cut by a full disk): the
 * reader leaves it for the next pass, and drops it only when something follows it.
 */
export interface SpoolCommand {
  shell: string;
  host: string;
  session: string;
  seq: number;
  startedAt: Date;
  durationMs: number;
  exitCode: number;
  user: string;
  cwd: string;
  command: string;
}

export const SPOOL_VERSION = 'p1';
const FIELDS = 11;

export type ParsedLine = { ok: true; value: SpoolCommand } | { ok: false; reason: string };

const UNESCAPE: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };

export function unescapeField(s: string): string {
  return s.includes('\\') ? s.replace(/\\(.)/g, (m, c: string) => UNESCAPE[c] ?? m) : s;
}

export function escapeField(s: string): string {
  return s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}

/** Parses one line (without its newline); never throws: a bad line says why. */
export function parseSpoolLine(line: string): ParsedLine {
  const f = line.split('\t');
  if (f[0] !== SPOOL_VERSION)
    return { ok: false, reason: `unknown format ${JSON.stringify(f[0]?.slice(0, 8))}` };
  if (f.length !== FIELDS) return { ok: false, reason: `expected ${FIELDS} fields, got ${f.length}` };
  const [, shell, host, session, seqS, startS, durS, exitS, user, cwd, command] = f as [string, ...string[]];
  const seq = Number(seqS);
  const start = Number(startS);
  const dur = Number(durS);
  const exit = Number(exitS);
  if (!Number.isSafeInteger(seq) || seq < 1) return { ok: false, reason: `bad seq ${JSON.stringify(seqS)}` };
  // 2000-01-01 .. 2100-01-01: a clock outside it is a broken line, not a command.
  if (!Number.isSafeInteger(start) || start < 946_684_800e6 || start > 4_102_444_800e6)
    return { ok: false, reason: `bad start_us ${JSON.stringify(startS)}` };
  if (!Number.isSafeInteger(dur) || dur < 0)
    return { ok: false, reason: `bad duration_us ${JSON.stringify(durS)}` };
  if (!Number.isInteger(exit) || exit < 0 || exit > 255)
    return { ok: false, reason: `bad exit ${JSON.stringify(exitS)}` };
  if (!session || !host || !command?.trim()) return { ok: false, reason: 'empty host, session or command' };
  return {
    ok: true,
    value: {
      shell: shell!,
      host: host!,
      session: session!,
      seq,
      startedAt: new Date(Math.floor(start / 1000)),
      durationMs: dur / 1000,
      exitCode: exit,
      user: user!,
      cwd: unescapeField(cwd!),
      command: unescapeField(command!),
    },
  };
}

/** Formats a line as the hooks write it (tests, and the agent's own `pitwall run`). */
export function formatSpoolLine(c: SpoolCommand): string {
  const startUs = c.startedAt.getTime() * 1000;
  return [
    SPOOL_VERSION,
    c.shell,
    c.host,
    c.session,
    c.seq,
    startUs,
    Math.round(c.durationMs * 1000),
    c.exitCode,
    c.user,
    escapeField(c.cwd),
    escapeField(c.command),
  ].join('\t');
}

/** The stable id of a command: the same line always maps to the same `commands.id`. */
export function commandId(c: Pick<SpoolCommand, 'host' | 'session' | 'seq'>): string {
  // One-shot hash: the same digest as createHash, a quarter of the cost (the agent hashes every line).
  return hash('sha256', `${c.host}\0${c.session}\0${c.seq}`, 'hex').slice(0, 32);
}

/**
 * What `pitwall run -- CMD` measured of a command's network use, appended to
 * `<spool_dir>/network/<session>.spool` as one line:
 *
 *   n1 <host> <session> <seq> <network_ms> <rx_bytes> <tx_bytes>
 *
 * `session` and `seq` come from PITWALL_SESSION and PITWALL_SEQ, which the hooks export before
 * each command, so the agent attaches it to the command line the hook writes when it ends (the
 * same stable id); a command not run under a hook gets a session of its own.
 */
export interface NetworkUse {
  host: string;
  session: string;
  seq: number;
  networkMs: number;
  rxBytes: number;
  txBytes: number;
}

export const NETWORK_VERSION = 'n1';

export type ParsedNetworkLine = { ok: true; value: NetworkUse } | { ok: false; reason: string };

export function parseNetworkLine(line: string): ParsedNetworkLine {
  const f = line.split('\t');
  if (f[0] !== NETWORK_VERSION)
    return { ok: false, reason: `unknown format ${JSON.stringify(f[0]?.slice(0, 8))}` };
  if (f.length !== 7) return { ok: false, reason: `expected 7 fields, got ${f.length}` };
  const [, host, session, ...nums] = f as [string, string, string, ...string[]];
  const [seq, networkMs, rxBytes, txBytes] = nums.map(Number) as [number, number, number, number];
  if (!host || !session) return { ok: false, reason: 'empty host or session' };
  if (
    ![seq, networkMs, rxBytes, txBytes].every((n) => Number.isFinite(n) && n >= 0) ||
    !Number.isSafeInteger(seq) ||
    seq < 1
  )
    return { ok: false, reason: 'bad number' };
  return { ok: true, value: { host, session, seq, networkMs, rxBytes, txBytes } };
}

export function formatNetworkLine(n: NetworkUse): string {
  return [NETWORK_VERSION, n.host, n.session, n.seq, Math.round(n.networkMs), n.rxBytes, n.txBytes].join(
    '\t',
  );
}
