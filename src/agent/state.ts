import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * The agent's state, `<spool_dir>/state.json`, replaced whole and atomically (a temp file,
 * fsync, rename) each time it changes, so a process killed at any point leaves the previous or
 * the next version, never a torn one.
 *
 * - `files`: per spool file (path relative to the spool dir) the byte offset up to which its
 *   lines are consumed. A command file's offset moves only after the sink acknowledged the
 *   lines before it: lines past it are shipped again after a crash, and their stable ids make
 *   the second copy a no-op in the warehouse.
 * - `pending`: records the agent made itself (host facts, disk and cache samples, the dropped
 *   count) not yet acknowledged; bounded, oldest dropped first.
 * - `network`: network use read from `network/` whose command line has not arrived yet, by
 *   command id; bounded in number and age.
 * - counters: `dropped_lines` (oldest lines dropped to keep the spool under spool_max_mb),
 *   `bad_lines` (lines that are not a known format) with the last few as samples,
 *   `network_orphans` (network lines whose command never came).
 * - `host_days`: the last UTC day host facts were recorded, per host; `samples_at`: when disk
 *   and caches were last sampled.
 * - `last_sync`: when the last sync ran, what it shipped and its error; `last_ok_at`.
 */
const fileState = z.object({ offset: z.number().int().nonnegative() });
const networkEntry = z.object({
  network_ms: z.number(),
  rx_bytes: z.number(),
  tx_bytes: z.number(),
  seen_at: z.string(),
});
const badSample = z.object({ file: z.string(), reason: z.string(), text: z.string(), at: z.string() });
export const agentState = z.object({
  version: z.literal(1).default(1),
  files: z.record(z.string(), fileState).default({}),
  pending: z.array(z.record(z.string(), z.unknown())).default([]),
  network: z.record(z.string(), networkEntry).default({}),
  dropped_lines: z.number().int().nonnegative().default(0),
  bad_lines: z.number().int().nonnegative().default(0),
  bad_samples: z.array(badSample).default([]),
  network_orphans: z.number().int().nonnegative().default(0),
  host_days: z.record(z.string(), z.string()).default({}),
  samples_at: z.string().nullable().default(null),
  last_sync: z
    .object({
      started_at: z.string(),
      finished_at: z.string(),
      shipped: z.number().int().nonnegative(),
      sink: z.string(),
      error: z.string().nullable(),
    })
    .nullable()
    .default(null),
  last_ok_at: z.string().nullable().default(null),
});
export type AgentState = z.output<typeof agentState>;
export type NetworkEntry = z.output<typeof networkEntry>;

export const MAX_BAD_SAMPLES = 10;
export const MAX_PENDING = 10_000;

export const emptyState = (): AgentState => agentState.parse({});

/**
 * Reads the state; a missing file is a fresh start. An unreadable one (hand-edited, a disk
 * fault) is also a fresh start rather than an agent that never runs again: the stable ids make
 * re-reading every spool from the start safe, only slower.
 */
export function loadState(path: string): { state: AgentState; problem: string | null } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyState(), problem: null };
    throw e;
  }
  try {
    return { state: agentState.parse(JSON.parse(text)), problem: null };
  } catch (e) {
    return {
      state: emptyState(),
      problem: `${path} was unreadable (${(e as Error).message}); started afresh`,
    };
  }
}

export function saveState(path: string, state: AgentState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(state));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Adds records the agent made, keeping at most MAX_PENDING (the newest). */
export function addPending(state: AgentState, records: readonly Record<string, unknown>[]): void {
  state.pending.push(...records);
  if (state.pending.length > MAX_PENDING) state.pending.splice(0, state.pending.length - MAX_PENDING);
}

export function noteBadLine(state: AgentState, file: string, reason: string, text: string, at: Date): void {
  state.bad_lines++;
  state.bad_samples.push({ file, reason, text: text.slice(0, 200), at: at.toISOString() });
  if (state.bad_samples.length > MAX_BAD_SAMPLES) state.bad_samples.shift();
}
