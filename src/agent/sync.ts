import { mkdirSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import { enforceBound } from './bound.js';
import type { AgentConfig } from './config.js';
import { Enricher, type CommandRecord } from './enrich.js';
import { appendHistory, pruneHistory } from './history.js';
import { hostFact, samplePoints } from './host.js';
import type { AgentPaths } from './paths.js';
import type { AgentRecord, AgentSink } from './sink.js';
import { completeLines, listSpoolFiles, sessionEnded, type SpoolFile } from './spool-files.js';
import { commandId, parseNetworkLine, parseSpoolLine } from './spool-line.js';
import { addPending, loadState, noteBadLine, saveState, type AgentState } from './state.js';

export interface SyncOptions {
  cfg: AgentConfig;
  paths: AgentPaths;
  env: NodeJS.ProcessEnv;
  sink: AgentSink;
  /** A long-running agent passes its own, so the repository cache outlives one sync. */
  enricher?: Enricher;
  /** Checked between batches: true stops after the batch in flight (SIGTERM). */
  shouldStop?: () => boolean;
  now?: () => Date;
}

export interface SyncResult {
  /** Records acknowledged by the sink (commands and the agent's own records). */
  shipped: number;
  commands: number;
  /** Lines dropped now to keep the spool within agent.spool_max_mb. */
  dropped: number;
  /** Lines that were not a known format, seen now. */
  bad: number;
  /** Session files of exited shells removed once consumed. */
  removed: number;
  error: string | null;
}

const HOUR = 3_600_000;
/** A network line waits this long for its command line, then counts as an orphan. */
const NETWORK_WAIT_MS = 7 * 86_400_000;
const MAX_NETWORK_WAITING = 50_000;
/** Below the server's default body limit (5 MB) with room for JSON's keys. */
const MAX_BATCH_CHARS = 3_000_000;

/** Reads new network lines into `state.network`, where they wait for their command. */
function readNetwork(state: AgentState, files: readonly SpoolFile[], now: Date): number {
  let bad = 0;
  const at = now.toISOString();
  for (const f of files) {
    if (f.kind !== 'network') continue;
    const from = state.files[f.rel]?.offset ?? 0;
    let end = from;
    for (const l of completeLines(f.abs, from, f.size, sessionEnded(f, now.getTime()))) {
      end = l.end;
      const p = parseNetworkLine(l.text);
      if (!p.ok) {
        noteBadLine(state, f.rel, p.reason, l.text, now);
        bad++;
        continue;
      }
      const id = commandId(p.value);
      const prev = state.network[id];
      // `pitwall run` inside `pitwall run`: the outer one saw the whole tree, keep the larger.
      if (!prev || prev.network_ms < p.value.networkMs)
        state.network[id] = {
          network_ms: p.value.networkMs,
          rx_bytes: p.value.rxBytes,
          tx_bytes: p.value.txBytes,
          seen_at: at,
        };
    }
    if (end > from) state.files[f.rel] = { offset: end };
  }
  // Bounded: past the age or the count, the oldest give up waiting.
  const entries = Object.entries(state.network);
  const cutoff = new Date(now.getTime() - NETWORK_WAIT_MS).toISOString();
  const sorted = entries.sort((a, b) => (a[1].seen_at < b[1].seen_at ? -1 : 1));
  const over = Math.max(0, sorted.length - MAX_NETWORK_WAITING);
  sorted.forEach(([id, e], i) => {
    if (i < over || e.seen_at < cutoff) {
      delete state.network[id];
      state.network_orphans++;
    }
  });
  return bad;
}

/** The agent's own records: host facts once per host per UTC day, samples at most hourly. */
function ownRecords(o: SyncOptions, state: AgentState, now: Date): void {
  const host = os.hostname();
  const day = now.toISOString().slice(0, 10);
  if (state.host_days[host] !== day) {
    addPending(state, [hostFact(now)]);
    state.host_days[host] = day;
  }
  if (!state.samples_at || now.getTime() - Date.parse(state.samples_at) >= HOUR) {
    addPending(state, samplePoints(o.cfg, o.paths.home, o.env, now));
    state.samples_at = now.toISOString();
  }
}

interface Batch {
  pending: number;
  commands: CommandRecord[];
  /** Offsets the files reach once this batch is acknowledged. */
  advance: Map<string, number>;
  bad: { file: string; reason: string; text: string }[];
  chars: number;
}

const newBatch = (): Batch => ({ pending: 0, commands: [], advance: new Map(), bad: [], chars: 0 });

/** Problems a sink named by record index (an invalid_records error), or null for any other error. */
function refusedIndexes(e: unknown): Map<number, string> | null {
  const err = e as {
    code?: string;
    details?: { problems?: { index: number; field: string; reason: string }[] };
  };
  if (err?.code !== 'invalid_records' || !Array.isArray(err.details?.problems)) return null;
  return new Map(err.details.problems.map((p) => [p.index, `${p.field}: ${p.reason}`]));
}

/**
 * One sync: read the spool from the saved offsets, enrich, ship in batches, and after each
 * acknowledged batch advance the offsets (state written atomically). Killed at any point, the
 * next sync ships again what was not acknowledged: each command keeps its stable id, so the
 * warehouse holds it once. Never throws for the sink's failure: the error is the result's and
 * the state's (`last_sync.error`), and nothing is lost.
 */
export async function runSync(o: SyncOptions): Promise<SyncResult> {
  const clock = o.now ?? (() => new Date());
  const startedAt = clock();
  const result: SyncResult = { shipped: 0, commands: 0, dropped: 0, bad: 0, removed: 0, error: null };
  for (const d of [o.paths.commands, o.paths.network]) mkdirSync(d, { recursive: true, mode: 0o700 });
  const { state } = loadState(o.paths.state);
  const enricher = o.enricher ?? new Enricher(o.cfg);

  const files = listSpoolFiles(o.paths.root);
  const present = new Set(files.map((f) => f.rel));
  for (const rel of Object.keys(state.files)) if (!present.has(rel)) delete state.files[rel];
  // A file shorter than its offset was replaced: read it from its start.
  for (const f of files) if ((state.files[f.rel]?.offset ?? 0) > f.size) state.files[f.rel] = { offset: 0 };

  const dropped = enforceBound(state, files, o.cfg.spool_max_mb * 1024 * 1024);
  if (dropped) {
    result.dropped = dropped;
    addPending(state, [
      {
        kind: 'metric_point',
        name: 'agent.spool.dropped_lines',
        occurred_at: startedAt.toISOString(),
        type: 'count',
        value: dropped,
        tags: { host: os.hostname() },
      },
    ]);
  }
  result.bad += readNetwork(state, files, startedAt);
  ownRecords(o, state, startedAt);
  pruneHistory(o.paths.history, startedAt);
  saveState(o.paths.state, state);

  const ship = async (b: Batch): Promise<void> => {
    let pending = state.pending.slice(0, b.pending) as AgentRecord[];
    let commands = b.commands;
    for (let round = 0; pending.length + commands.length; round++) {
      try {
        await o.sink.ship([...pending, ...commands]);
        break;
      } catch (e) {
        const refused = round < 3 ? refusedIndexes(e) : null;
        if (!refused) throw e;
        // Set aside what the sink refuses (counted as bad), ship the rest: one bad record must
        // not hold the spool back forever.
        const keepPending = pending.filter((_, i) => !refused.has(i));
        for (const [i, why] of refused)
          if (i >= pending.length && commands[i - pending.length])
            b.bad.push({ file: 'refused', reason: why, text: commands[i - pending.length]!.command });
        commands = commands.filter((_, i) => !refused.has(i + pending.length));
        pending = keepPending;
      }
    }
    // Acknowledged: now (and only now) the offsets move.
    state.pending.splice(0, b.pending);
    for (const [rel, offset] of b.advance) state.files[rel] = { offset };
    for (const c of commands) delete state.network[c.id];
    const now = clock();
    for (const x of b.bad) noteBadLine(state, x.file, x.reason, x.text, now);
    result.bad += b.bad.length;
    result.shipped += pending.length + commands.length;
    result.commands += commands.length;
    state.last_ok_at = now.toISOString();
    saveState(o.paths.state, state);
    appendHistory(o.paths.history, commands);
  };

  const batchSize = o.cfg.batch_size;
  let batch = newBatch();
  batch.pending = Math.min(state.pending.length, batchSize);
  try {
    const nowMs = startedAt.getTime();
    outer: for (const f of files) {
      if (f.kind !== 'commands') continue;
      const from = state.files[f.rel]?.offset ?? 0;
      if (from >= f.size) continue;
      for (const l of completeLines(f.abs, from, f.size, sessionEnded(f, nowMs))) {
        const p = parseSpoolLine(l.text);
        if (p.ok) {
          const id = commandId(p.value);
          const rec = enricher.record(p.value, state.network[id], id);
          batch.commands.push(rec);
          batch.chars += rec.command.length + (rec.cwd?.length ?? 0) + 400;
        } else batch.bad.push({ file: f.rel, reason: p.reason, text: l.text });
        batch.advance.set(f.rel, l.end);
        if (batch.pending + batch.commands.length >= batchSize || batch.chars >= MAX_BATCH_CHARS) {
          await ship(batch);
          batch = newBatch();
          if (o.shouldStop?.()) break outer;
        }
      }
    }
    // The rest, then any pending records past the first batch's share.
    let stopped = o.shouldStop?.() ?? false;
    while (!stopped) {
      batch.pending = Math.min(state.pending.length, Math.max(0, batchSize - batch.commands.length));
      if (!batch.pending && !batch.commands.length && !batch.advance.size) break;
      await ship(batch);
      batch = newBatch();
      stopped = o.shouldStop?.() ?? false;
    }
    result.removed = removeEnded(state, o.paths.root, o.paths.state, startedAt.getTime());
  } catch (e) {
    result.error = (e as Error).message;
  }
  state.last_sync = {
    started_at: startedAt.toISOString(),
    finished_at: clock().toISOString(),
    shipped: result.shipped,
    sink: o.sink.name,
    error: result.error,
  };
  saveState(o.paths.state, state);
  return result;
}

/** Deletes the session files of exited shells once every line is consumed. */
function removeEnded(state: AgentState, root: string, statePath: string, now: number): number {
  let removed = 0;
  for (const f of listSpoolFiles(root)) {
    if ((state.files[f.rel]?.offset ?? 0) < f.size || !sessionEnded(f, now)) continue;
    try {
      unlinkSync(f.abs);
      removed++;
    } catch {
      continue;
    }
    delete state.files[f.rel];
  }
  if (removed) saveState(statePath, state);
  return removed;
}
