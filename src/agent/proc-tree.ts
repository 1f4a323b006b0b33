import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * The process tree of a command on Linux, read from /proc without forking: every process whose
 * parent chain reaches the root. `/proc/<pid>/task/<tid>/children` would be cheaper but is
 * missing on kernels built without CONFIG_PROC_CHILDREN, so the tree comes from the ppid in
 * each `/proc/<pid>/stat` (one read per process on the machine per sample).
 *
 * A process seen once stays tracked while it lives (same pid and start time), so a daemon that
 * double-forks and is reparented to init is still counted; one that escapes before it is first
 * seen is not.
 */
export class ProcessTree {
  /** pid -> start time (clock ticks since boot, field 22 of stat): guards against pid reuse. */
  private readonly known = new Map<number, string>();

  constructor(
    private readonly root: number,
    private readonly proc = '/proc',
  ) {}

  /** The live processes of the tree now, the root included while it lives. */
  pids(): number[] {
    const stats = new Map<number, { ppid: number; start: string }>();
    let names: string[];
    try {
      names = readdirSync(this.proc);
    } catch {
      return [];
    }
    for (const name of names) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const s = readStat(`${this.proc}/${name}/stat`);
      if (s) stats.set(Number(name), s);
    }
    const children = new Map<number, number[]>();
    for (const [pid, s] of stats) {
      const list = children.get(s.ppid);
      if (list) list.push(pid);
      else children.set(s.ppid, [pid]);
    }
    const out = new Set<number>();
    const visit = (pid: number) => {
      if (out.has(pid) || !stats.has(pid)) return;
      out.add(pid);
      for (const c of children.get(pid) ?? []) visit(c);
    };
    visit(this.root);
    // Processes seen before that left the tree (reparented) but still live: theirs and their children.
    for (const [pid, start] of this.known) {
      if (stats.get(pid)?.start === start) visit(pid);
      else this.known.delete(pid);
    }
    for (const pid of out) this.known.set(pid, stats.get(pid)!.start);
    return [...out];
  }
}

function readStat(path: string): { ppid: number; start: string } | null {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return null; // exited between readdir and read
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): ppid is field 4, starttime field 22.
  const ppid = Number(rest[1]);
  const start = rest[19];
  return Number.isInteger(ppid) && start !== undefined ? { ppid, start } : null;
}

/** The inodes of the sockets the processes hold open now (`/proc/<pid>/fd/N -> socket:[inode]`). */
export function socketInodes(pids: readonly number[], proc = '/proc'): Set<string> {
  const out = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`${proc}/${pid}/fd`);
    } catch {
      continue; // exited, or not ours to read
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`${proc}/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (target.startsWith('socket:[')) out.add(target.slice(8, -1));
    }
  }
  return out;
}

/**
 * Which of these socket inodes are TCP, from /proc/<pid>/net/tcp and tcp6 (the inode is the
 * tenth column): fork-free, so a tree holding only Unix sockets (every Node process has some)
 * or none costs no `ss` at all.
 */
export function tcpInodes(
  inodes: ReadonlySet<string>,
  pid: number | 'self' = 'self',
  proc = '/proc',
): Set<string> {
  const out = new Set<string>();
  if (inodes.size === 0) return out;
  for (const file of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`${proc}/${pid}/net/${file}`, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const inode = line.trim().split(/\s+/)[9];
      if (inode && inodes.has(inode)) out.add(inode);
    }
  }
  return out;
}

/**
 * Bytes the processes read and wrote through any system call (rchar + wchar of
 * /proc/<pid>/io: files, pipes and sockets alike), summed; null if one is unreadable. Unchanged
 * between two samples means no socket of theirs was read or written in between.
 */
export function ioChars(pids: readonly number[], proc = '/proc'): number | null {
  let sum = 0;
  for (const pid of pids) {
    let text: string;
    try {
      text = readFileSync(`${proc}/${pid}/io`, 'latin1');
    } catch {
      return null;
    }
    const r = /^rchar: (\d+)$/m.exec(text);
    const w = /^wchar: (\d+)$/m.exec(text);
    if (!r || !w) return null;
    sum += Number(r[1]) + Number(w[1]);
  }
  return sum;
}
