import { readFileSync } from 'node:fs';
import { PitwallError } from '../../errors/errors.js';

/** What process holds a DuckDB file, read from DuckDB's own lock message and /proc. */
export function lockHeldError(path: string, raw: string): PitwallError | null {
  if (!/Could not set lock on file|Conflicting lock is held/i.test(raw)) return null;
  const pid = /PID (\d+)/.exec(raw)?.[1];
  let cmd = '';
  if (pid) {
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    } catch {
      cmd = '';
    }
  }
  const who = pid ? `process ${pid}${cmd ? ` (${cmd})` : ''}` : 'another process';
  return new PitwallError(
    'store_locked',
    `The store ${path} is in use by ${who}. DuckDB lets one process write a file at a time: ` +
      `stop that process${pid ? ` (kill ${pid})` : ''}, or point this command elsewhere with PITWALL_DB=<path> ` +
      `or at a shared PostgreSQL with DATABASE_URL.`,
    { path, pid: pid ? Number(pid) : null, command: cmd || null },
  );
}
