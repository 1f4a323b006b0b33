import { completeLines, type SpoolFile } from './spool-files.js';
import type { AgentState } from './state.js';

/** The bytes not yet shipped: command and network lines past their offsets, and pending records. */
export function unshippedBytes(state: AgentState, files: readonly SpoolFile[]): number {
  let n = 0;
  for (const f of files) n += Math.max(0, f.size - (state.files[f.rel]?.offset ?? 0));
  for (const p of state.pending) n += JSON.stringify(p).length;
  return n;
}

/** start_us of a p1 line (its 6th field), without parsing the rest; a bad line sorts first. */
function startOf(text: string): number {
  let i = -1;
  for (let k = 0; k < 5; k++) {
    i = text.indexOf('\t', i + 1);
    if (i < 0) return -Infinity;
  }
  const j = text.indexOf('\t', i + 1);
  const v = Number(text.slice(i + 1, j < 0 ? undefined : j));
  return Number.isFinite(v) ? v : -Infinity;
}

/**
 * Keeps what is unshipped within `maxBytes` (agent.spool_max_mb): past it, the oldest command
 * lines (by start time, across all sessions) are dropped by moving offsets past them. Live
 * session files are never truncated (the shell holds them open); the drop is counted in
 * `state.dropped_lines`. Returns how many lines were dropped now.
 */
export function enforceBound(state: AgentState, files: readonly SpoolFile[], maxBytes: number): number {
  const excess = unshippedBytes(state, files) - maxBytes;
  if (excess <= 0) return 0;
  // The head of each command file, up to `excess` bytes: the oldest lines are among them.
  const heads = files
    .filter((f) => f.kind === 'commands')
    .map((f) => {
      const from = state.files[f.rel]?.offset ?? 0;
      const lines: { start: number; end: number }[] = [];
      for (const l of completeLines(f.abs, from, f.size)) {
        lines.push({ start: startOf(l.text), end: l.end });
        if (l.end - from >= excess) break;
      }
      return { f, from, lines, i: 0 };
    })
    .filter((h) => h.lines.length);
  let freed = 0;
  let dropped = 0;
  while (freed < excess) {
    let best: (typeof heads)[number] | null = null;
    for (const h of heads)
      if (h.i < h.lines.length && (!best || h.lines[h.i]!.start < best.lines[best.i]!.start)) best = h;
    if (!best) break; // only lines still being written are left
    const line = best.lines[best.i++]!;
    const prev = best.i > 1 ? best.lines[best.i - 2]!.end : best.from;
    freed += line.end - prev;
    dropped++;
  }
  for (const h of heads) if (h.i > 0) state.files[h.f.rel] = { offset: h.lines[h.i - 1]!.end };
  state.dropped_lines += dropped;
  return dropped;
}
