import type { Queryable } from '../store/store.js';
import type { Touched } from './watched-store.js';

/** The instants each table of the warehouse holds: a metric's window is over one of them. */
const INSTANTS: Record<string, readonly string[]> = {
  commits: ['authored_at', 'committed_at'],
  pull_requests: ['created_at', 'merged_at', 'closed_at'],
  reviews: ['submitted_at'],
  deployments: ['started_at', 'finished_at'],
  incidents: ['opened_at', 'resolved_at'],
  annotations: ['occurred_at'],
  pipeline_runs: ['created_at', 'completed_at'],
  pipeline_jobs: ['created_at', 'completed_at'],
  test_results: ['executed_at'],
  spans: ['started_at', 'ended_at'],
  commands: ['started_at'],
  metric_points: ['occurred_at'],
  survey_responses: ['answered_at'],
  feedback: ['occurred_at'],
  experiments: ['started_at', 'ended_at'],
};

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
    for (const e of await Promise.all(Object.keys(INSTANTS).map((t) => this.extentOf(t)))) {
      if (e.lo && (lo === null || e.lo.getTime() < lo)) lo = e.lo.getTime();
      if (e.hi && (hi === null || e.hi.getTime() > hi)) hi = e.hi.getTime();
    }
    return lo === null || hi === null ? null : { start: new Date(lo), end: new Date(hi + 1) };
  }

  private extentOf(table: string): Promise<Extent> {
    let p = this.extents.get(table);
    if (!p) {
      const cols = INSTANTS[table]!;
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
