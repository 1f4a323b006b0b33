import { recordKinds } from '../domain/records.js';
import type { Queryable } from '../store/store.js';
import type { Touched } from './watched-store.js';

/**
 * Every timestamp column of the schema, read from the catalog (both engines have
 * information_schema), so a column a migration adds is in the span without a list to keep.
 * Only the tables records land in count: bookkeeping (tokens, migrations) holds today's instants.
 */
const TIMESTAMP_COLUMNS = `select table_name, column_name from information_schema.columns
  where table_schema = current_schema() and lower(data_type) like 'timestamp%'
  order by table_name, column_name`;

const RECORD_TABLES = new Set(Object.values(recordKinds).map((k) => k.table));

type Extent = { lo: Date | null; hi: Date | null };
export interface Span {
  /** The earliest instant stored. */
  start: Date;
  /** Just after the latest instant stored (windows are half-open). */
  end: Date;
}

/**
 * The earliest and latest instants the warehouse holds, so a window can be cut to the data
 * (a read over years 1-9999 costs what one over the data does). Each table's extent is kept
 * until a write touches that table.
 */
export class DataSpan {
  private readonly extents = new Map<string, Promise<Extent>>();
  private columns: Promise<Map<string, string[]>> | undefined;

  constructor(
    private readonly store: Queryable,
    private readonly timeoutMs: number,
  ) {}

  invalidate(tables: Touched): void {
    if (tables === null) this.extents.clear();
    else for (const t of tables) this.extents.delete(t);
  }

  async get(): Promise<Span | null> {
    let lo: number | null = null;
    let hi: number | null = null;
    const columns = await this.instantColumns();
    for (const e of await Promise.all([...columns].map(([t, cols]) => this.extentOf(t, cols)))) {
      if (e.lo && (lo === null || e.lo.getTime() < lo)) lo = e.lo.getTime();
      if (e.hi && (hi === null || e.hi.getTime() > hi)) hi = e.hi.getTime();
    }
    return lo === null || hi === null ? null : { start: new Date(lo), end: new Date(hi + 1) };
  }

  /** The schema changes only when migrations run, before the server starts: read it once. */
  private instantColumns(): Promise<Map<string, string[]>> {
    this.columns ??= this.store
      .query<{ table_name: string; column_name: string }>(TIMESTAMP_COLUMNS, [], {
        timeoutMs: this.timeoutMs,
      })
      .then((rows) => {
        const out = new Map<string, string[]>();
        for (const r of rows)
          if (RECORD_TABLES.has(r.table_name))
            out.set(r.table_name, [...(out.get(r.table_name) ?? []), r.column_name]);
        return out;
      });
    this.columns.catch(() => (this.columns = undefined));
    return this.columns;
  }

  private extentOf(table: string, cols: readonly string[]): Promise<Extent> {
    let p = this.extents.get(table);
    if (!p) {
      const sql = `select ${cols.map((c, i) => `min(${c}) as lo${i}, max(${c}) as hi${i}`).join(', ')} from ${table}`;
      const mine: Promise<Extent> = this.store
        .query<Record<string, Date | null>>(sql, [], { timeoutMs: this.timeoutMs })
        .then(([row]) => {
          const los = cols.map((_, i) => row?.[`lo${i}`]).filter((d): d is Date => d instanceof Date);
          const his = cols.map((_, i) => row?.[`hi${i}`]).filter((d): d is Date => d instanceof Date);
          const extreme = (ds: Date[], pick: (a: number, b: number) => number) =>
            ds.length ? new Date(ds.map((d) => d.getTime()).reduce((a, b) => pick(a, b))) : null;
          return { lo: extreme(los, Math.min), hi: extreme(his, Math.max) };
        });
      p = mine;
      this.extents.set(table, mine);
      mine.catch(() => {
        if (this.extents.get(table) === mine) this.extents.delete(table);
      });
    }
    return p;
  }
}
