import type { Config } from '../config/schema.js';
import { changeMarks } from '../ingest/changes.js';
import { placeholders, type SqlValue, type Store, type Tx } from '../store/store.js';
import type { EnrichStep } from './step.js';

/** Rows (or units) each step derived in this call; steps that were fresh are absent. */
export type EnrichSummary = Record<string, number>;

interface StepState {
  step: string;
  seen: string;
  fingerprint: string;
}

const fingerprintOf = (s: EnrichStep, c: Config) => JSON.stringify(s.config?.(c) ?? null);

/** One pass: each step whose inputs or config changed since it last ran, in declared order. */
async function runOwed(store: Store, config: Config, steps: readonly EnrichStep[]): Promise<EnrichSummary> {
  const initial = new Map(
    (
      await store.query<{ table_name: string; token: string }>('select table_name, token from table_changes')
    ).map((r) => [r.table_name, r.token]),
  );
  const tokens = new Map(initial);
  const states = new Map(
    (await store.query<StepState>('select step, seen, fingerprint from enrich_steps')).map((r) => [
      r.step,
      r,
    ]),
  );
  const summary: EnrichSummary = {};
  // Each step's state and the marks of what it wrote, stored once when the pass ends (or fails):
  // a write per step took five 1,000-record passes of the demo org from 709 to 867 ms. A crash
  // before that write re-runs the steps of the pass, whose rebuilds are the same again.
  const ran: SqlValue[][] = [];
  const marked = new Map<string, SqlValue[]>();
  let failure: unknown = null;
  try {
    for (const step of steps) {
      const state = states.get(step.id);
      const fingerprint = fingerprintOf(step, config);
      const seen = state ? (JSON.parse(state.seen) as Record<string, string>) : {};
      const full = !state || state.fingerprint !== fingerprint;
      const changed = new Set(step.reads.filter((t) => full || seen[t] !== tokens.get(t)));
      if (!full && changed.size === 0) continue;
      // Tokens as they were before the step read its inputs: a write landing meanwhile stays owed.
      const before = new Map(step.reads.map((t) => [t, tokens.get(t)]));
      const rows = await step.run({ store, config, changed, full });
      const marks = changeMarks(step.writes);
      for (const row of marks.rows) {
        tokens.set(row[0] as string, row[1] as string);
        marked.set(row[0] as string, [...row]);
      }
      const nowSeen = Object.fromEntries(
        step.reads.map((t) => [t, step.writes.includes(t) ? tokens.get(t) : before.get(t)]),
      );
      ran.push([step.id, JSON.stringify(nowSeen), fingerprint, new Date(), rows]);
      summary[step.id] = rows;
    }
  } catch (e) {
    failure = e;
  }
  try {
    if (ran.length)
      await store.transaction(async (tx) => {
        await storeMarks(tx, [...marked.values()], initial);
        await tx.upsert([
          {
            table: 'enrich_steps',
            columns: ['step', 'seen', 'fingerprint', 'ran_at', 'rows'],
            key: ['step'],
            rows: ran,
          },
        ]);
      });
  } catch (e) {
    // A failed step's own error says more than the state write that followed it.
    failure ??= e;
  }
  if (failure) throw failure;
  return summary;
}

/**
 * The pass's marks (rows of a changeMarks write), each only where the table's token is still the
 * one the pass began with. A table a step writes may be written from outside meanwhile (ingest
 * writes `deployments` while deployment-shas runs): its newer token stays, so the steps that
 * read it, that one included, are owed again; overwriting it lost that write's enrichment.
 * (The one table both sides mark is `deployments`, so the row locks taken here cannot meet an
 * ingest's in another order.)
 */
async function storeMarks(
  tx: Tx,
  marks: readonly SqlValue[][],
  initial: ReadonlyMap<string, string>,
): Promise<void> {
  const values = (rows: readonly SqlValue[][], width: number) =>
    rows.map((_, i) => `(${placeholders(width, i * width + 1)})`).join(', ');
  const known = marks.filter((m) => initial.has(m[0] as string));
  if (known.length)
    await tx.query(
      `update table_changes set token = v.token, changed_at = v.changed_at::timestamp
       from (values ${values(known, 4)}) as v(table_name, token, changed_at, expected)
       where table_changes.table_name = v.table_name and table_changes.token = v.expected`,
      known.flatMap((m) => [...m, initial.get(m[0] as string)!]),
    );
  const fresh = marks.filter((m) => !initial.has(m[0] as string));
  if (fresh.length)
    await tx.query(
      `insert into table_changes (table_name, token, changed_at)
       select table_name, token, changed_at::timestamp from (values ${values(fresh, 3)}) as v(table_name, token, changed_at)
       on conflict (table_name) do nothing`,
      fresh.flat(),
    );
}

interface Lane {
  running: Promise<EnrichSummary> | null;
  queued: Promise<EnrichSummary> | null;
}
const lanes = new WeakMap<Store, Lane>();

/**
 * Brings every derived table up to date. Calls on one store are serialised and coalesced: a
 * call made while a pass runs waits for one more pass (it may have written after the running
 * pass read its tokens), and every call made meanwhile shares that same next pass.
 */
export function ensureFreshWith(
  store: Store,
  config: Config,
  steps: readonly EnrichStep[],
): Promise<EnrichSummary> {
  let lane = lanes.get(store);
  if (!lane) lanes.set(store, (lane = { running: null, queued: null }));
  const l = lane;
  const start = (): Promise<EnrichSummary> => {
    const p = runOwed(store, config, steps).finally(() => {
      if (l.running === p) l.running = null;
    });
    l.running = p;
    return p;
  };
  if (!l.running) return start();
  if (!l.queued)
    l.queued = l.running
      .catch(() => undefined)
      .then(() => {
        l.queued = null;
        return start();
      });
  return l.queued;
}

/** Every step's inputs written by an earlier step, so a misordered registry fails at load. */
export function checkOrder(steps: readonly EnrichStep[]): void {
  const ids = new Set<string>();
  steps.forEach((s, i) => {
    if (ids.has(s.id)) throw new Error(`enrichment step ${s.id} is registered twice`);
    ids.add(s.id);
    for (const later of steps.slice(i + 1))
      for (const t of s.reads)
        if (later.writes.includes(t) && !s.writes.includes(t))
          throw new Error(
            `enrichment step ${s.id} reads ${t}, which ${later.id} writes after it: reorder them`,
          );
  });
}
