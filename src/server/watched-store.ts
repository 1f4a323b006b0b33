import type {
  LoadOptions,
  LoadWriter,
  QueryOptions,
  SqlValue,
  Store,
  TableWrite,
  Tx,
} from '../store/store.js';

/** Tables a write touched, or null when a statement's target could not be told (assume all). */
export type Touched = ReadonlySet<string> | null;

const READ = /^\s*(select|with|values|explain|show|describe|pragma)\b/i;
const TARGET = /^\s*(?:insert\s+into|update|delete\s+from|truncate(?:\s+table)?)\s+([a-z_][a-z0-9_]*)/i;

/** The tables one statement writes: none for a read, null for a statement of unknown reach (DDL). */
function statementTargets(sql: string): string[] | null {
  if (READ.test(sql)) return [];
  const m = TARGET.exec(sql);
  return m ? [m[1]!.toLowerCase()] : null;
}

/**
 * The tables of upserts, with the tables their change marks name: a derived column's mark is
 * `table.column`, and the table is what a cached read depends on.
 */
function upsertTargets(writes: readonly TableWrite[]): string[] {
  const out: string[] = [];
  for (const w of writes) {
    out.push(w.table);
    if (w.table === 'table_changes')
      for (const row of w.rows) if (typeof row[0] === 'string') out.push(row[0].split('.')[0]!);
  }
  return out;
}

/**
 * The server's store: every write it commits is reported with the tables it touched (after the
 * commit, so a read that starts later sees the new rows), and cached answers over those tables
 * alone go stale. Ingest, enrichment, the scheduler and webhooks all write through it.
 */
export function watchWrites(store: Store, onWrite: (tables: Touched) => void): Store {
  const report = (touched: Set<string>, unknown: boolean) => {
    if (unknown) onWrite(null);
    else if (touched.size) onWrite(touched);
  };
  return {
    get kind() {
      return store.kind;
    },
    get location() {
      return store.location;
    },
    async query<T extends object>(sql: string, params?: readonly SqlValue[], options?: QueryOptions) {
      const targets = statementTargets(sql);
      try {
        return await store.query<T>(sql, params, options);
      } finally {
        if (targets === null || targets.length) report(new Set(targets ?? []), targets === null);
      }
    },
    async upsert(writes: readonly TableWrite[]) {
      try {
        await store.upsert(writes);
      } finally {
        report(new Set(upsertTargets(writes)), false);
      }
    },
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const touched = new Set<string>();
      let unknown = false;
      try {
        return await store.transaction((tx) =>
          fn({
            query: (sql, params, options) => {
              const targets = statementTargets(sql);
              if (targets === null) unknown = true;
              else for (const t of targets) touched.add(t);
              return tx.query(sql, params, options);
            },
            upsert: (writes) => {
              for (const t of upsertTargets(writes)) touched.add(t);
              return tx.upsert(writes);
            },
          }),
        );
      } finally {
        // Also after a failed commit: whether it landed is not known, and a spare miss is cheap.
        report(touched, unknown);
      }
    },
    async load<T>(fn: (w: LoadWriter) => Promise<T>, options?: LoadOptions): Promise<T> {
      const touched = new Set<string>();
      try {
        return await store.load(
          (w) =>
            fn({
              upsert: (writes) => {
                for (const t of upsertTargets(writes)) touched.add(t);
                return w.upsert(writes);
              },
            }),
          options,
        );
      } finally {
        report(touched, false);
      }
    },
    ping: () => store.ping(),
    close: () => store.close(),
  };
}
