import { CHANGES_TABLE, changeMarks } from '../ingest/changes.js';
import type { SqlValue, Store, TableWrite } from '../store/store.js';
import type { EnrichQueue } from './enrich-queue.js';

interface Pending {
  writes: readonly TableWrite[];
  /** table + key of every row, to keep two requests that write one row apart. */
  keys: Set<string>;
  done: (error?: unknown) => void;
}

const rowKeys = (writes: readonly TableWrite[]) => {
  const out = new Set<string>();
  for (const w of writes) {
    if (w.table === CHANGES_TABLE) continue;
    const at = w.key.map((k) => w.columns.indexOf(k));
    for (const r of w.rows) out.add(JSON.stringify([w.table, ...at.map((i) => r[i])]));
  }
  return out;
};
const sameShape = (a: TableWrite, b: TableWrite) =>
  JSON.stringify([a.table, a.columns, a.key, a.update, a.newerBy]) ===
  JSON.stringify([b.table, b.columns, b.key, b.update, b.newerBy]);

/**
 * Write requests that arrive while the store is busy wait and then land together: one
 * transaction and one enrichment pass for the lot, where each used to cost its own (an
 * enrichment pass after a 1,000-record batch of the demo org costs more than the batch's
 * write). A request resolves once its rows and the derived tables that read them are stored,
 * as before. Requests that write the same row are never in one group (the later one waits for
 * the next), so a group's writes may be merged in any order. A group whose transaction fails is
 * written again request by request: a bad request fails alone.
 */
export class WriteCoalescer {
  private queue: Pending[] = [];
  private busy = false;

  constructor(
    private readonly store: Pick<Store, 'upsert'>,
    private readonly enrich: Pick<EnrichQueue, 'ensure'>,
  ) {}

  /** Resolves when `writes` (one request's, from prepareWrites) and their derived state are stored. */
  write(writes: readonly TableWrite[]): Promise<void> {
    if (!writes.length) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({
        writes,
        keys: rowKeys(writes),
        done: (e) => (e === undefined ? resolve() : reject(e)),
      });
      if (!this.busy) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length) await this.land(this.takeGroup());
    } finally {
      this.busy = false;
    }
  }

  /** The longest run of queued requests of which no two write the same row. */
  private takeGroup(): Pending[] {
    const seen = new Set<string>();
    let n = 0;
    for (const p of this.queue) {
      if (n > 0 && [...p.keys].some((k) => seen.has(k))) break;
      for (const k of p.keys) seen.add(k);
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async land(group: Pending[]): Promise<void> {
    const ok: Pending[] = [];
    try {
      await this.store.upsert(merge(group.map((p) => p.writes)));
      ok.push(...group);
    } catch (groupError) {
      if (group.length === 1) group[0]!.done(groupError);
      else
        for (const p of group)
          try {
            await this.store.upsert(p.writes);
            ok.push(p);
          } catch (e) {
            p.done(e);
          }
    }
    if (!ok.length) return;
    // Not awaited: the next group writes while this one's pass runs (passes are serialised and
    // shared, see ensureFresh), so writes and enrichment overlap.
    this.enrich.ensure().then(
      () => ok.forEach((p) => p.done()),
      (e: unknown) => ok.forEach((p) => p.done(e)),
    );
  }
}

/** The writes of requests that share no row, as few writes as their shapes allow, marks last. */
function merge(requests: readonly (readonly TableWrite[])[]): TableWrite[] {
  if (requests.length === 1) return [...requests[0]!];
  const merged: { write: TableWrite; rows: (readonly SqlValue[])[] }[] = [];
  const tables = new Set<string>();
  for (const writes of requests)
    for (const w of writes) {
      if (w.table === CHANGES_TABLE) continue;
      tables.add(w.table);
      let into = merged.find((m) => sameShape(m.write, w));
      if (!into) merged.push((into = { write: w, rows: [] }));
      into.rows.push(...w.rows);
    }
  return [...merged.map((m) => ({ ...m.write, rows: m.rows })), changeMarks(tables)];
}
