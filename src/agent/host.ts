import { lstatSync, readdirSync, statfsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { AgentConfig } from './config.js';

/** The host fact record of this machine for today (kind host_fact, once per host per day). */
export function hostFact(now: Date): Record<string, unknown> {
  const host = os.hostname();
  const cpus = os.cpus();
  return {
    kind: 'host_fact',
    host,
    day: now.toISOString().slice(0, 10),
    observed_at: now.toISOString(),
    // What `uname -a` prints, from node:os (no process forked): system, node, release, version, machine.
    uname: [os.type(), host, os.release(), os.version(), os.machine()].join(' '),
    os: os.type(),
    os_release: os.release() || null,
    arch: os.arch() || null,
    cpu_count: os.availableParallelism?.() ?? cpus.length,
    cpu_model: cpus[0]?.model?.trim() || null,
    memory_bytes: os.totalmem(),
  };
}

/** The known developer caches, by name: where each tool keeps its downloads and build outputs. */
export function knownCaches(
  home: string,
  env: NodeJS.ProcessEnv,
  extra: readonly string[],
): Record<string, string> {
  const mac = process.platform === 'darwin';
  const xdgCache = env.XDG_CACHE_HOME || join(home, '.cache');
  const caches: Record<string, string> = {
    npm: join(home, '.npm'),
    pip: mac ? join(home, 'Library', 'Caches', 'pip') : join(xdgCache, 'pip'),
    maven: join(home, '.m2'),
    gradle: join(home, '.gradle'),
    cargo: env.CARGO_HOME || join(home, '.cargo'),
    'go-build':
      env.GOCACHE || (mac ? join(home, 'Library', 'Caches', 'go-build') : join(xdgCache, 'go-build')),
  };
  for (const d of extra) caches[d] = d.startsWith('~/') ? join(home, d.slice(2)) : d;
  return caches;
}

/**
 * The bytes under a directory (files and links, not following links), walked for at most
 * `budgetMs`: a huge cache yields a lower bound marked partial, never a stalled agent.
 * Null when the directory does not exist.
 */
export function dirSize(dir: string, budgetMs: number): { bytes: number; partial: boolean } | null {
  try {
    if (!lstatSync(dir).isDirectory()) return null;
  } catch {
    return null;
  }
  const deadline = Date.now() + budgetMs;
  const stack = [dir];
  let bytes = 0;
  let seen = 0;
  while (stack.length) {
    const d = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      continue; // unreadable or gone: skip it
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else
        try {
          bytes += lstatSync(p).size;
        } catch {
          // removed while walking
        }
      if (++seen % 256 === 0 && Date.now() > deadline) return { bytes, partial: true };
    }
  }
  return { bytes, partial: false };
}

export const CACHE_BUDGET_MS = 2_000;

/** Metric points: free disk under home, and the size of each developer cache that exists. */
export function samplePoints(
  cfg: Pick<AgentConfig, 'cache_dirs'>,
  home: string,
  env: NodeJS.ProcessEnv,
  now: Date,
): Record<string, unknown>[] {
  const host = os.hostname();
  const at = now.toISOString();
  const points: Record<string, unknown>[] = [];
  try {
    const fs = statfsSync(home);
    points.push({
      kind: 'metric_point',
      name: 'dev.disk.free_bytes',
      occurred_at: at,
      type: 'gauge',
      value: fs.bavail * fs.bsize,
      tags: { host },
    });
  } catch {
    // No home directory to measure (a service account): no point.
  }
  for (const [cache, dir] of Object.entries(knownCaches(home, env, cfg.cache_dirs))) {
    const size = dirSize(dir, CACHE_BUDGET_MS);
    if (!size) continue;
    points.push({
      kind: 'metric_point',
      name: 'dev.cache.size_bytes',
      occurred_at: at,
      type: 'gauge',
      value: size.bytes,
      tags: { host, cache, ...(size.partial && { partial: true }) },
    });
  }
  return points;
}
