import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { PitwallError } from '../errors/errors.js';

/** The agent holding the lock: its pid and what it is doing. */
export interface LockHolder {
  pid: number;
  mode: string;
  since: string;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, run by someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(path: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' ? h : null;
  } catch {
    return null;
  }
}

/** The live holder of the lock, or null (none, or one killed without releasing it). */
export function lockHolder(path: string): LockHolder | null {
  const h = readLock(path);
  return h && isAlive(h.pid) && h.pid !== process.pid ? h : null;
}

/**
 * Takes `<spool_dir>/agent.lock` (created exclusively), so two agents never read and ship the
 * same spool at once. A lock whose process is gone (killed) is taken over. Returns its release.
 */
export function acquireLock(path: string, mode: string): () => void {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, mode, since: new Date().toISOString() }));
      closeSync(fd);
      return () => {
        if (readLock(path)?.pid === process.pid) unlinkSync(path);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(path);
      if (holder && isAlive(holder.pid) && holder.pid !== process.pid)
        throw new PitwallError(
          'store_locked',
          `another agent (pid ${holder.pid}, ${holder.mode} since ${holder.since}) holds ${path}: let it finish, or stop it first`,
          holder,
        );
      // Stale (its process is gone, or the file was half written): remove and retry.
      try {
        unlinkSync(path);
      } catch {
        // Another agent removed it first: retry the create.
      }
    }
  }
  throw new PitwallError('store_locked', `could not take ${path}: another agent keeps taking it`);
}
