import { appendFileSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandRecord } from './enrich.js';

/**
 * The local history of what was shipped, for `pitwall agent stats`:
 * `<spool_dir>/history/YYYY-MM-DD.jsonl`, one file per UTC day of the commands' start, each line
 * one `command` record exactly as shipped (JSON of CommandRecord in src/agent/enrich.ts: already
 * redacted per agent.privacy). Appended after the sink acknowledged a batch; kept 30 days.
 *
 * Delivery is at least once, so a sync killed between the acknowledgement and its state write
 * appends that batch again: readers take each `id` once (the last line wins).
 */
export const HISTORY_DAYS = 30;

export function appendHistory(dir: string, records: readonly CommandRecord[]): void {
  if (!records.length) return;
  mkdirSync(dir, { recursive: true });
  const byDay = new Map<string, string[]>();
  for (const r of records) {
    const day = r.started_at.slice(0, 10);
    let lines = byDay.get(day);
    if (!lines) byDay.set(day, (lines = []));
    lines.push(JSON.stringify(r));
  }
  for (const [day, lines] of byDay) appendFileSync(join(dir, `${day}.jsonl`), lines.join('\n') + '\n');
}

/** Deletes the days older than HISTORY_DAYS before `now`. */
export function pruneHistory(dir: string, now: Date): void {
  const oldest = new Date(now.getTime() - HISTORY_DAYS * 86_400_000).toISOString().slice(0, 10);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = /^(\d{4}-\d{2}-\d{2})\.jsonl$/.exec(n);
    if (m && m[1]! < oldest) unlinkSync(join(dir, n));
  }
}
