/**
 * Statistics of one StatsD (or any metric_point) series over any window: count/sum/min/max/avg
 * exact, and p50/p90/p99 from the interval sketches merged (never averaged), so a quarter's p99
 * is within the sketches' relative accuracy (1%) of the exact p99. Days that retention pruned are
 * read from their daily rollups (whole days: a rolled-up day counts when it starts in the window).
 */
import { invalidArgument } from '../errors/errors.js';
import { SketchMerger, decodeSketch } from '../export/sketch.js';
import type { Queryable, QueryOptions } from '../store/store.js';

export const POINT_STATS = ['count', 'sum', 'min', 'max', 'avg', 'p50', 'p90', 'p99'] as const;
export type PointStat = (typeof POINT_STATS)[number];
export const POINT_BUCKETS = ['hour', 'day', 'week', 'none'] as const;
export type PointBucket = (typeof POINT_BUCKETS)[number];
const QUANTILES: readonly [PointStat, number][] = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p99', 0.99],
];

export interface PointsQuery {
  name: string;
  from: Date;
  to: Date;
  /** Only series whose tags hold every one of these (`{ repo: 'acme/api' }`). */
  tags?: Readonly<Record<string, string>>;
  /** A tag key: one row per value of it (null for series without the tag). */
  by?: string | null;
  /** `none`: the whole window as one bucket (the default). */
  bucket?: PointBucket;
  /** The statistics wanted (all by default); the others are left out of each row. */
  stats?: readonly PointStat[];
}

export type PointsRow = {
  /** The bucket's start (the window's start for `none`). */
  bucket: Date;
  /** The value of the `by` tag, or null. */
  group: string | null;
  /** True when some of the bucket came from daily rollups (pruned raw rows: day resolution). */
  rolled_up: boolean;
} & Partial<Record<PointStat, number | null>>;

export interface PointsAnswer {
  name: string;
  /** distribution: sketches (timings, histograms, distributions); gauge or count: plain points; null: no data. */
  kind: 'distribution' | 'gauge' | 'count' | null;
  from: Date;
  to: Date;
  bucket: PointBucket;
  by: string | null;
  tags: Record<string, string>;
  /** The sketches' stated relative error of p50/p90/p99 (null when none were merged). */
  relative_accuracy: number | null;
  rows: PointsRow[];
}

const NAME = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;
/** Series the shell agent samples on each developer's machine, tagged by host. */
const PERSONAL_PREFIX = 'dev.';
const TAG_KEY = /^[A-Za-z0-9_.\-/]{1,200}$/;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Raw rows are read a slice of the window at a time, so a quarter never sits in memory whole. */
const SLICE = 7 * DAY;

/** Checks what a caller asked for; the message names the bad parameter (HTTP 400, exit 2). */
export function checkPointsQuery(q: PointsQuery): void {
  if (!NAME.test(q.name))
    throw invalidArgument(
      `name ${JSON.stringify(q.name)}: expected a stored metric name such as testenv.provision.total_duration`,
      { field: 'name' },
    );
  if (!(q.from < q.to))
    throw invalidArgument(`from (${q.from.toISOString()}) must be before to (${q.to.toISOString()})`, {
      field: 'from',
    });
  if (q.by !== undefined && q.by !== null && !TAG_KEY.test(q.by))
    throw invalidArgument(`by ${JSON.stringify(q.by)}: expected a tag key such as repo`, { field: 'by' });
  if (q.bucket && !POINT_BUCKETS.includes(q.bucket))
    throw invalidArgument(`bucket ${JSON.stringify(q.bucket)}: use one of ${POINT_BUCKETS.join(', ')}`, {
      field: 'bucket',
    });
  for (const s of q.stats ?? [])
    if (!POINT_STATS.includes(s))
      throw invalidArgument(`stat ${JSON.stringify(s)}: use some of ${POINT_STATS.join(', ')}`, {
        field: 'stat',
      });
  // The agent's machine samples (dev.*) are one developer's laptop per host: asking for one
  // host, or a row per host, would show one person's machine (docs/privacy.md).
  if (q.name.startsWith(PERSONAL_PREFIX) && (q.by === 'host' || 'host' in (q.tags ?? {})))
    throw invalidArgument(
      `${q.name} is sampled on developers' machines: it is not read per host (one person's machine); leave out ${q.by === 'host' ? 'by host' : 'the host tag'} (see docs/privacy.md)`,
      { field: q.by === 'host' ? 'by' : 'tag' },
    );
  for (const k of Object.keys(q.tags ?? {}))
    if (!TAG_KEY.test(k))
      throw invalidArgument(`tag ${JSON.stringify(k)}: expected key:value, e.g. repo:acme/api`, {
        field: 'tag',
      });
}

/** `key:value` filters (the API's `tag=` and the CLI's `--tag`), the first colon splitting. */
export function parseTagFilters(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const i = item.indexOf(':');
    if (i <= 0)
      throw invalidArgument(`tag ${JSON.stringify(item)}: expected key:value, e.g. repo:acme/api`, {
        field: 'tag',
      });
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

/** A comma list of statistics (`p50,p99`). */
export function parseStats(s: string | undefined): PointStat[] | undefined {
  if (s === undefined) return undefined;
  const stats = s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const bad = stats.find((x) => !POINT_STATS.includes(x as PointStat));
  if (bad !== undefined || !stats.length)
    throw invalidArgument(
      `stat ${JSON.stringify(s)}: use some of ${POINT_STATS.join(', ')}, comma-separated`,
      { field: 'stat' },
    );
  return stats as PointStat[];
}

function bucketStart(ms: number, bucket: PointBucket, from: Date): number {
  switch (bucket) {
    case 'hour':
      return Math.floor(ms / HOUR) * HOUR;
    case 'day':
      return Math.floor(ms / DAY) * DAY;
    case 'week': {
      // ISO weeks start on Monday; the epoch's day 0 was a Thursday.
      const day = Math.floor(ms / DAY);
      return (day - ((day + 3) % 7)) * DAY;
    }
    default:
      return from.getTime();
  }
}

interface Cell {
  bucket: number;
  group: string | null;
  rolledUp: boolean;
  count: number;
  sum: number;
  min: number;
  max: number;
  sketch: SketchMerger | null;
}

class Cells {
  readonly cells = new Map<string, Cell>();
  accuracy: number | null = null;
  constructor(private readonly q: PointsQuery) {}

  /** The cell of a row, or null when its tags do not pass the filters. */
  cellFor(atMs: number, tagsJson: string): Cell | null {
    let tags: Record<string, unknown>;
    try {
      tags = JSON.parse(tagsJson) as Record<string, unknown>;
    } catch {
      tags = {};
    }
    for (const [k, v] of Object.entries(this.q.tags ?? {}))
      if (tags[k] === undefined || String(tags[k]) !== v) return null;
    const group = this.q.by ? (tags[this.q.by] === undefined ? null : String(tags[this.q.by])) : null;
    const bucket = bucketStart(atMs, this.q.bucket ?? 'none', this.q.from);
    const key = `${bucket} ${JSON.stringify(group)}`;
    let c = this.cells.get(key);
    if (!c)
      this.cells.set(
        key,
        (c = {
          bucket,
          group,
          rolledUp: false,
          count: 0,
          sum: 0,
          min: Infinity,
          max: -Infinity,
          sketch: null,
        }),
      );
    return c;
  }
}

function add(c: Cell, count: number, sum: number, min: number | null, max: number | null): void {
  c.count += count;
  c.sum += sum;
  if (min !== null) c.min = Math.min(c.min, min);
  if (max !== null) c.max = Math.max(c.max, max);
}

/** The window in slices of at most SLICE, so each statement's rows stay bounded. */
function* slices(from: Date, to: Date): Generator<[Date, Date]> {
  for (let t = from.getTime(); t < to.getTime(); t += SLICE)
    yield [new Date(t), new Date(Math.min(t + SLICE, to.getTime()))];
}

export async function pointsStats(
  db: Queryable,
  q: PointsQuery,
  options?: QueryOptions,
): Promise<PointsAnswer> {
  checkPointsQuery(q);
  const cells = new Cells(q);
  const bucket = q.bucket ?? 'none';
  // Distribution or plain points: whichever the name has (a sketch's name has no points of its own).
  const [has] = await db.query<{ sketches: number; rollups: number }>(
    `select (select count(*) from metric_sketches where name = $1 and occurred_at >= $2::timestamp and occurred_at < $3::timestamp) as sketches,
            (select count(*) from daily_rollups where source = 'metric_sketches' and name = $1 and day >= $2::timestamp and day < $3::timestamp) as rollups`,
    [q.name, q.from, q.to],
    options,
  );
  let kind: PointsAnswer['kind'] = null;
  if (Number(has?.sketches) + Number(has?.rollups) > 0) {
    kind = 'distribution';
    for (const [a, b] of slices(q.from, q.to)) {
      const rows = await db.query<{
        occurred_at: Date;
        tags: string;
        count: number;
        sum: number;
        min: number;
        max: number;
        relative_accuracy: number;
        sketch: string;
      }>(
        `select occurred_at, tags, count, sum, min, max, relative_accuracy, sketch from metric_sketches
         where name = $1 and occurred_at >= $2::timestamp and occurred_at < $3::timestamp`,
        [q.name, a, b],
        options,
      );
      for (const r of rows) addSketch(cells, cells.cellFor(r.occurred_at.getTime(), r.tags), r, false);
    }
    const rolled = await db.query<{
      day: Date;
      tags: string;
      count: number;
      sum: number;
      min: number;
      max: number;
      relative_accuracy: number;
      sketch: string;
    }>(
      `select day, tags, count, sum, min, max, relative_accuracy, sketch from daily_rollups
       where source = 'metric_sketches' and name = $1 and day >= $2::timestamp and day < $3::timestamp`,
      [q.name, q.from, q.to],
      options,
    );
    for (const r of rolled) addSketch(cells, cells.cellFor(r.day.getTime(), r.tags), r, true);
  } else {
    for (const [a, b] of slices(q.from, q.to)) {
      const rows = await db.query<{ occurred_at: Date; tags: string; type: string; value: number }>(
        `select occurred_at, tags, type, value from metric_points
         where name = $1 and occurred_at >= $2::timestamp and occurred_at < $3::timestamp`,
        [q.name, a, b],
        options,
      );
      for (const r of rows) {
        kind ??= r.type === 'count' ? 'count' : 'gauge';
        const c = cells.cellFor(r.occurred_at.getTime(), r.tags);
        if (c) add(c, 1, r.value, r.value, r.value);
      }
    }
    const rolled = await db.query<{
      day: Date;
      tags: string;
      type: string;
      count: number;
      sum: number;
      min: number;
      max: number;
    }>(
      `select day, tags, type, count, sum, min, max from daily_rollups
       where source = 'metric_points' and name = $1 and day >= $2::timestamp and day < $3::timestamp`,
      [q.name, q.from, q.to],
      options,
    );
    for (const r of rolled) {
      kind ??= r.type === 'count' ? 'count' : 'gauge';
      const c = cells.cellFor(r.day.getTime(), r.tags);
      if (!c) continue;
      add(c, r.count, r.sum, r.min, r.max);
      c.rolledUp = true;
    }
  }
  const wanted = new Set<PointStat>(q.stats ?? POINT_STATS);
  const rows = [...cells.cells.values()]
    .filter((c) => c.count > 0)
    .sort((x, y) => x.bucket - y.bucket || String(x.group).localeCompare(String(y.group)))
    .map((c) => {
      const sketch = c.sketch?.result ?? null;
      const all: Record<PointStat, number | null> = {
        count: c.count,
        sum: c.sum,
        min: c.min,
        max: c.max,
        avg: c.sum / c.count,
        // Plain points have no distribution to rank: percentiles are asked of sketches.
        p50: null,
        p90: null,
        p99: null,
      };
      if (sketch) for (const [stat, quantile] of QUANTILES) all[stat] = sketch.getValueAtQuantile(quantile);
      const row: PointsRow = { bucket: new Date(c.bucket), group: c.group, rolled_up: c.rolledUp };
      for (const s of POINT_STATS) if (wanted.has(s)) row[s] = all[s];
      return row;
    });
  return {
    name: q.name,
    kind,
    from: q.from,
    to: q.to,
    bucket,
    by: q.by ?? null,
    tags: { ...(q.tags ?? {}) },
    relative_accuracy: cells.accuracy,
    rows,
  };
}

function addSketch(
  cells: Cells,
  c: Cell | null,
  r: {
    count: number;
    sum: number;
    min: number | null;
    max: number | null;
    relative_accuracy: number | null;
    sketch: string | null;
  },
  rolledUp: boolean,
): void {
  if (!c || !r.sketch) return;
  add(c, r.count, r.sum, r.min, r.max);
  c.sketch ??= new SketchMerger('the series');
  c.sketch.add(decodeSketch(r.sketch));
  if (rolledUp) c.rolledUp = true;
  if (r.relative_accuracy !== null) cells.accuracy = Math.max(cells.accuracy ?? 0, r.relative_accuracy);
}
