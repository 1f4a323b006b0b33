import type { DDSketch } from '@datadog/sketches-js';
import { changeMarks } from '../ingest/changes.js';
import { DEFAULT_MIN_GROUP_SIZE } from '../metrics/registry/privacy.js';
import type { Queryable, SqlValue, Store, TableWrite, Tx } from '../store/store.js';
import type { RetentionConfig } from './retention-config.js';
import { ROLLUP_ACCURACY, SketchMerger, decodeSketch, encodeSketch, sketchOf } from './sketch.js';

const DAY = 86_400_000;

/** The tables `retention:` may prune, each with the timestamp its days are cut by. */
export const RETENTION_TABLES = {
  metric_points: 'occurred_at',
  metric_sketches: 'occurred_at',
  spans: 'started_at',
  commands: 'started_at',
} as const;
export type RetentionTable = keyof typeof RETENTION_TABLES;

/** One row of daily_rollups (see migration 015). */
export interface Rollup {
  source: RetentionTable;
  name: string;
  day: Date;
  tags: string;
  type: string;
  raw_rows: number;
  count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  relative_accuracy: number | null;
  /** Decoded while a rollup is built; written as base64. */
  sketch: DDSketch | null;
}

const ROLLUP_COLUMNS = [
  'source',
  'name',
  'day',
  'tags',
  'type',
  'raw_rows',
  'count',
  'sum',
  'min',
  'max',
  'relative_accuracy',
  'sketch',
  'rolled_up_at',
] as const;
const ROLLUP_KEY = ['source', 'name', 'day', 'tags', 'type'];

/** A group's tags as stored: JSON with sorted keys, null values left out (so equal groups compare equal). */
export function groupTags(values: Record<string, SqlValue | undefined>): string {
  const out: Record<string, SqlValue> = {};
  for (const k of Object.keys(values).sort()) {
    const v = values[k];
    if (v !== null && v !== undefined) out[k] = v;
  }
  return JSON.stringify(out);
}

/** Sorted-key form of a series' stored tags, so a rollup's tags compare equal to a query's. */
function canonicalTags(json: string): string {
  try {
    return groupTags(JSON.parse(json) as Record<string, SqlValue>);
  } catch {
    return json;
  }
}

const groupKey = (r: Pick<Rollup, 'name' | 'tags' | 'type'>) => JSON.stringify([r.name, r.tags, r.type]);

/** Folds `b` into `a`: counts and sums add, extremes widen, sketches merge. */
function combine(a: Rollup, b: Rollup): Rollup {
  const pick = (x: number | null, y: number | null, f: (p: number, q: number) => number) =>
    x === null ? y : y === null ? x : f(x, y);
  let sketch = a.sketch;
  if (b.sketch) {
    const m = new SketchMerger(`${a.source} ${a.name} ${a.tags}`);
    if (sketch) m.add(sketch);
    m.add(b.sketch);
    sketch = m.result;
  }
  return {
    ...a,
    raw_rows: a.raw_rows + b.raw_rows,
    count: a.count + b.count,
    sum: pick(a.sum, b.sum, (p, q) => p + q),
    min: pick(a.min, b.min, Math.min),
    max: pick(a.max, b.max, Math.max),
    relative_accuracy: a.relative_accuracy ?? b.relative_accuracy,
    sketch,
  };
}

/** Adds `rows` to `into`, combining rows of the same group. */
function accumulate(into: Map<string, Rollup>, rows: Iterable<Rollup>): void {
  for (const r of rows) {
    const k = groupKey(r);
    const had = into.get(k);
    into.set(k, had ? combine(had, r) : r);
  }
}

const dayBounds = (day: Date): [Date, Date] => [day, new Date(day.getTime() + DAY)];

/** The day's rollups of one table, computed from its raw rows (in the transaction that prunes them). */
async function rollupDay(
  q: Queryable,
  table: RetentionTable,
  day: Date,
  minGroupSize = DEFAULT_MIN_GROUP_SIZE,
): Promise<Rollup[]> {
  const [from, to] = dayBounds(day);
  const base = { source: table, day, relative_accuracy: null, sketch: null };
  const groups = new Map<string, Rollup>();
  switch (table) {
    case 'metric_points': {
      // Points carry no distribution: count/sum/min/max are summed in the engine.
      const rows = await q.query<{
        name: string;
        tags: string;
        type: string;
        n: number;
        s: number;
        mn: number;
        mx: number;
      }>(
        `select name, tags, type, count(*) as n, sum(value) as s, min(value) as mn, max(value) as mx
         from metric_points where occurred_at >= $1::timestamp and occurred_at < $2::timestamp
         group by name, tags, type`,
        [from, to],
      );
      accumulate(
        groups,
        rows.map((r) => ({
          ...base,
          name: r.name,
          tags: canonicalTags(r.tags),
          type: r.type,
          raw_rows: Number(r.n),
          count: Number(r.n),
          sum: Number(r.s),
          min: Number(r.mn),
          max: Number(r.mx),
        })),
      );
      break;
    }
    case 'metric_sketches': {
      const rows = await q.query<{
        name: string;
        tags: string;
        relative_accuracy: number;
        count: number;
        sum: number;
        min: number;
        max: number;
        sketch: string;
      }>(
        `select name, tags, relative_accuracy, count, sum, min, max, sketch from metric_sketches
         where occurred_at >= $1::timestamp and occurred_at < $2::timestamp order by name, tags, occurred_at`,
        [from, to],
      );
      accumulate(
        groups,
        rows.map((r) => ({
          ...base,
          name: r.name,
          tags: canonicalTags(r.tags),
          type: 'distribution',
          raw_rows: 1,
          count: r.count,
          sum: r.sum,
          min: r.min,
          max: r.max,
          relative_accuracy: r.relative_accuracy,
          sketch: decodeSketch(r.sketch),
        })),
      );
      break;
    }
    case 'spans': {
      const rows = await q.query<{
        name: string;
        repo: string | null;
        team: string | null;
        status: string;
        failure_category: string | null;
        started_at: Date;
        ended_at: Date | null;
      }>(
        `select name, repo, team, status, failure_category, started_at, ended_at from spans
         where started_at >= $1::timestamp and started_at < $2::timestamp`,
        [from, to],
      );
      // A branch (the span's key) and its attributes are left out: unbounded, and not a trend.
      byGroup(groups, base, rows, (r) => ({
        name: r.name,
        tags: groupTags({
          repo: r.repo,
          team: r.team,
          status: r.status,
          failure_category: r.failure_category,
        }),
        value: r.ended_at ? r.ended_at.getTime() - r.started_at.getTime() : null,
      }));
      break;
    }
    case 'commands': {
      const rows = await q.query<{
        category: string | null;
        repo: string | null;
        exit_code: number;
        duration_ms: number;
        user_name: string;
      }>(
        `select category, repo, exit_code, duration_ms, user_name from commands
         where started_at >= $1::timestamp and started_at < $2::timestamp`,
        [from, to],
      );
      // Never per person or host: a rollup is a trend of the work, not of who did it. A group
      // over fewer than privacy.min_group_size people folds into the day's `other`; an `other`
      // still that small keeps only its count and total (no distribution, min or max, which
      // would show single commands), so totals stay whole (docs/privacy.md).
      const natural = (r: (typeof rows)[number]) => ({
        name: r.category ?? 'uncategorized',
        tags: groupTags({ repo: r.repo, outcome: r.exit_code === 0 ? 'ok' : 'error' }),
      });
      const keyOf = (g: { name: string; tags: string }) => JSON.stringify([g.name, g.tags]);
      const people = new Map<string, Set<string>>();
      const add = (k: string, who: string) => people.set(k, (people.get(k) ?? new Set()).add(who));
      for (const r of rows) add(keyOf(natural(r)), r.user_name);
      const OTHER = { name: 'other', tags: groupTags({ withheld: `fewer than ${minGroupSize} people` }) };
      const folded = (r: (typeof rows)[number]) => {
        const g = natural(r);
        return people.get(keyOf(g))!.size >= minGroupSize ? g : OTHER;
      };
      for (const r of rows) if (folded(r) === OTHER) add(keyOf(OTHER), r.user_name);
      byGroup(groups, base, rows, (r) => ({ ...folded(r), value: r.duration_ms }));
      if ((people.get(keyOf(OTHER))?.size ?? 0) < minGroupSize)
        for (const g of groups.values())
          if (g.name === OTHER.name && g.tags === OTHER.tags)
            Object.assign(g, { min: null, max: null, sketch: null, relative_accuracy: null });
      break;
    }
  }
  return [...groups.values()];
}

/** Groups raw rows with a duration (or none) into rollups with a sketch of the durations. */
function byGroup<R>(
  groups: Map<string, Rollup>,
  base: Pick<Rollup, 'source' | 'day'>,
  rows: readonly R[],
  group: (r: R) => { name: string; tags: string; value: number | null },
): void {
  const acc = new Map<string, { name: string; tags: string; rows: number; values: number[] }>();
  for (const r of rows) {
    const g = group(r);
    const k = JSON.stringify([g.name, g.tags]);
    let a = acc.get(k);
    if (!a) acc.set(k, (a = { name: g.name, tags: g.tags, rows: 0, values: [] }));
    a.rows++;
    if (g.value !== null) a.values.push(g.value);
  }
  for (const a of acc.values()) {
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of a.values) {
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const n = a.values.length;
    accumulate(groups, [
      {
        ...base,
        name: a.name,
        tags: a.tags,
        type: 'duration_ms',
        raw_rows: a.rows,
        count: n,
        sum: n ? sum : null,
        min: n ? min : null,
        max: n ? max : null,
        relative_accuracy: n ? ROLLUP_ACCURACY : null,
        sketch: n ? sketchOf(a.values) : null,
      },
    ]);
  }
}

/** Rollups already stored for the day (late raw rows of a day pruned before are added to them). */
async function storedRollups(q: Queryable, table: RetentionTable, day: Date): Promise<Rollup[]> {
  const rows = await q.query<Omit<Rollup, 'sketch'> & { sketch: string | null }>(
    `select source, name, day, tags, type, raw_rows, count, sum, min, max, relative_accuracy, sketch
     from daily_rollups where source = $1 and day = $2::timestamp`,
    [table, day],
  );
  return rows.map((r) => ({ ...r, source: table, sketch: r.sketch ? decodeSketch(r.sketch) : null }));
}

export interface RetentionDay {
  table: RetentionTable;
  day: Date;
  /** Raw rows rolled up and pruned (or, on a dry run, that would be). */
  rawRows: number;
  /** Rollup rows written for the day (or that would be). */
  groups: number;
}

export interface RetentionResult {
  dryRun: boolean;
  /** Per configured table: raw rows before this instant (a day boundary) are rolled up. */
  tables: { table: RetentionTable; rawDays: number; cutoff: Date }[];
  days: RetentionDay[];
}

/** Whole UTC days before which raw rows go: `rawDays` days before today's start. */
export function cutoffFor(rawDays: number, now: Date): Date {
  return new Date(Math.floor(now.getTime() / DAY) * DAY - rawDays * DAY);
}

/** The days of a table with raw rows before the cutoff, oldest first. */
async function dueDays(
  q: Queryable,
  table: RetentionTable,
  cutoff: Date,
): Promise<{ day: Date; n: number }[]> {
  const col = RETENTION_TABLES[table];
  const rows = await q.query<{ day: Date; n: number }>(
    `select cast(date_trunc('day', ${col}) as timestamp) as day, count(*) as n from ${table}
     where ${col} < $1::timestamp group by 1 order by 1`,
    [cutoff],
  );
  return rows.map((r) => ({ day: r.day, n: Number(r.n) }));
}

/**
 * Applies `retention:`: for each configured table, each whole day older than its raw_days is
 * rolled up into daily_rollups (added to any rollup of that day already there) and its raw rows
 * deleted, in one transaction per table and day: a failure loses nothing and leaves no day half
 * pruned. The change marks make the next ensureFresh re-derive what read those rows. A dry run
 * computes the same rollups and writes nothing.
 */
export async function applyRetention(
  store: Store,
  cfg: RetentionConfig,
  /** minGroupSize: privacy.min_group_size, the fewest people a commands rollup may be over. */
  opts: { now?: Date; dryRun?: boolean; minGroupSize?: number } = {},
): Promise<RetentionResult> {
  const k = opts.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  const now = opts.now ?? new Date();
  const result: RetentionResult = { dryRun: Boolean(opts.dryRun), tables: [], days: [] };
  for (const table of Object.keys(RETENTION_TABLES) as RetentionTable[]) {
    const rawDays = cfg[table];
    if (rawDays === null || rawDays === undefined) continue;
    const cutoff = cutoffFor(rawDays, now);
    result.tables.push({ table, rawDays, cutoff });
    for (const { day, n } of await dueDays(store, table, cutoff)) {
      if (opts.dryRun) {
        const groups = await rollupDay(store, table, day, k);
        result.days.push({ table, day, rawRows: n, groups: groups.length });
        continue;
      }
      const done = await store.transaction((tx) => pruneDay(tx, table, day, now, k));
      result.days.push({ table, day, ...done });
    }
  }
  return result;
}

async function pruneDay(
  tx: Tx,
  table: RetentionTable,
  day: Date,
  now: Date,
  minGroupSize: number,
): Promise<{ rawRows: number; groups: number }> {
  const fresh = await rollupDay(tx, table, day, minGroupSize);
  const merged = new Map<string, Rollup>();
  accumulate(merged, await storedRollups(tx, table, day));
  accumulate(merged, fresh);
  const rows = [...merged.values()].map((r) => [
    r.source,
    r.name,
    r.day,
    r.tags,
    r.type,
    r.raw_rows,
    r.count,
    r.sum,
    r.min,
    r.max,
    r.relative_accuracy,
    r.sketch ? encodeSketch(r.sketch) : null,
    now,
  ]);
  const write: TableWrite = { table: 'daily_rollups', columns: ROLLUP_COLUMNS, key: ROLLUP_KEY, rows };
  await tx.upsert([write, changeMarks([table, 'daily_rollups'])]);
  const [from, to] = dayBounds(day);
  const col = RETENTION_TABLES[table];
  const [counted] = await tx.query<{ n: number }>(
    `select count(*) as n from ${table} where ${col} >= $1::timestamp and ${col} < $2::timestamp`,
    [from, to],
  );
  await tx.query(`delete from ${table} where ${col} >= $1::timestamp and ${col} < $2::timestamp`, [from, to]);
  return { rawRows: Number(counted?.n ?? 0), groups: fresh.length };
}
