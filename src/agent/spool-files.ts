import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from './lock.js';

/** A spool file: `commands/<session>.spool` (p1 lines) or `network/<session>.spool` (n1 lines). */
export interface SpoolFile {
  /** Relative to the spool dir: the key of its offset in the state. */
  rel: string;
  abs: string;
  kind: 'commands' | 'network';
  session: string;
  size: number;
  mtimeMs: number;
}

export const IDLE_MS = 7 * 86_400_000;

export function listSpoolFiles(root: string): SpoolFile[] {
  const out: SpoolFile[] = [];
  for (const kind of ['commands', 'network'] as const) {
    let names: string[];
    try {
      names = readdirSync(join(root, kind));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    for (const name of names.sort()) {
      if (!name.endsWith('.spool')) continue;
      const abs = join(root, kind, name);
      let st;
      try {
        st = statSync(abs);
      } catch {
        continue; // removed between the listing and the stat
      }
      if (!st.isFile()) continue;
      out.push({
        rel: `${kind}/${name}`,
        abs,
        kind,
        session: name.slice(0, -'.spool'.length),
        size: st.size,
        mtimeMs: st.mtimeMs,
      });
    }
  }
  return out;
}

/**
 * Whether the shell writing a session file has exited: the pid in its session id
 * (`<pid>-<start_us>`) is no longer alive, or nothing was written for 7 days. Only then may the
 * file be deleted: a live shell's descriptor would write into an unlinked file.
 */
export function sessionEnded(f: Pick<SpoolFile, 'session' | 'mtimeMs'>, now: number): boolean {
  if (now - f.mtimeMs > IDLE_MS) return true;
  const m = /^(\d+)-/.exec(f.session);
  if (!m) return false;
  const pid = Number(m[1]);
  return pid > 0 && !isAlive(pid);
}

/** One complete line of a spool file and the byte offset just past its newline. */
export interface SpoolLine {
  text: string;
  end: number;
}

const CHUNK = 4 << 20;

/**
 * The complete lines of a file from `from` to `to` (its size when listed): a trailing line
 * without its newline is still being written and is not yielded. With `final` (the shell has
 * exited), such a tail is yielded as a line too: nothing will ever complete it.
 */
export function* completeLines(abs: string, from: number, to: number, final = false): Generator<SpoolLine> {
  if (to <= from) return;
  const fd = openSync(abs, 'r');
  try {
    let pos = from;
    let carry: Buffer | null = null;
    while (pos < to) {
      const want = Math.min(CHUNK, to - pos);
      const fresh = Buffer.allocUnsafe(want);
      const n = readSync(fd, fresh, 0, want, pos);
      if (n <= 0) break;
      const buf: Buffer = carry ? Buffer.concat([carry, fresh.subarray(0, n)]) : fresh.subarray(0, n);
      const base = pos - (carry?.length ?? 0);
      pos += n;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
        yield { text: buf.toString('utf8', start, nl), end: base + nl + 1 };
        start = nl + 1;
      }
      carry = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
    }
    if (final && carry?.length) yield { text: carry.toString('utf8'), end: pos };
  } finally {
    closeSync(fd);
  }
}

/** How many complete lines lie between `from` and `to`. */
export function countLines(abs: string, from: number, to: number): number {
  let n = 0;
  for (const _ of completeLines(abs, from, to)) n++;
  return n;
}
