import tCdf from '@stdlib/stats-base-dists-t-cdf';
import { sampleRankCorrelation } from 'simple-statistics';
import { invalidArgument } from '../errors/errors.js';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { MetricDefinition, MetricValue } from '../metrics/registry/types.js';
import type { Queryable } from '../store/store.js';

/**
 * Does one metric move with another across teams and time? Each team's value in each bucket
 * (week, month or quarter) is one point; Spearman's rank correlation over the points, with a
 * p-value from Student's t with n − 2 degrees of freedom. See docs/correlations.md.
 */
export type CorrelationBucket = 'week' | 'month' | 'quarter';
export const CORRELATION_BUCKETS: readonly CorrelationBucket[] = ['week', 'month', 'quarter'];

export const CORRELATION_DEFAULTS = {
  bucket: 'month' as CorrelationBucket,
  /** Below this many points the t approximation is rough and one team can make the relation. */
  minN: 10,
  alpha: 0.05,
  windowDays: 180,
};

export const CAVEAT =
  'Correlation is not cause: teams that differ in one thing differ in many (size, domain, seniority). Use a relation to choose what to try, then test it with an experiment.';
export const METHOD =
  'Spearman rank correlation (midranks for ties) over team x bucket points; two-sided p-value from Student’s t with n − 2 degrees of freedom, t = rho·sqrt((n − 2) / (1 − rho²))';

export interface ScatterPoint {
  team: string;
  /** Start of the bucket, ISO-8601. */
  bucket: string;
  x: number;
  y: number;
}

export interface MetricRef {
  name: string;
  title: string;
  unit: string;
  direction: MetricDefinition['direction'];
}

export interface Correlation {
  x: MetricRef;
  y: MetricRef;
  bucket: CorrelationBucket;
  window: { from: Date; to: Date };
  /** Points with both values. */
  n: number;
  /** null under 3 points or when either side does not vary. */
  rho: number | null;
  pValue: number | null;
  significant: boolean;
  strength: 'none' | 'weak' | 'moderate' | 'strong' | null;
  points: ScatterPoint[];
  /** Cells left out because a personal metric's value was over fewer than k people. */
  withheld: { cells: number; reason: string | null };
  /** Cells with a value on one side only (no survey that month, no PRs that week). */
  unpaired: number;
  minN: number;
  alpha: number;
  warnings: string[];
  caveat: string;
  method: string;
}

export interface CorrelationRequest {
  x: string;
  y: string;
  bucket?: CorrelationBucket;
  from: Date;
  to: Date;
  minN?: number;
  alpha?: number;
}

/** Two-sided p-value of Spearman's rho over n points (t with n − 2 df). */
export function spearmanPValue(rho: number, n: number): number | null {
  if (n < 3 || !Number.isFinite(rho)) return null;
  if (Math.abs(rho) >= 1) return 0;
  const t = rho * Math.sqrt((n - 2) / (1 - rho * rho));
  return Math.min(1, 2 * (1 - tCdf(Math.abs(t), n - 2)));
}

/** Cohen's conventional bands for |rho|. */
export function strengthOf(rho: number | null): Correlation['strength'] {
  if (rho === null) return null;
  const a = Math.abs(rho);
  return a < 0.1 ? 'none' : a < 0.3 ? 'weak' : a < 0.5 ? 'moderate' : 'strong';
}

/** A registry metric that can be split by team, or a 400 naming the fix. */
export function teamMetric(registry: MetricRegistry, name: string, field: 'x' | 'y'): MetricDefinition {
  let def: MetricDefinition;
  try {
    def = registry.get(name);
  } catch (e) {
    throw invalidArgument(`${field}: ${(e as Error).message}`, { field });
  }
  if (!def.groupBy.includes('team')) {
    const teamOnes = registry
      .list()
      .filter((d) => d.groupBy.includes('team') && d.name.split('.')[0] === name.split('.')[0])
      .slice(0, 4)
      .map((d) => d.name);
    throw invalidArgument(
      `${field}: metric ${name} cannot be split by team (its group-bys: ${def.groupBy.join(', ') || 'none'}), so it has no team x bucket points: pick a metric that groups by team${teamOnes.length ? `, e.g. ${teamOnes.join(', ')}` : ''}`,
      { field },
    );
  }
  return def;
}

export function checkBucket(bucket: string): CorrelationBucket {
  if (!(CORRELATION_BUCKETS as readonly string[]).includes(bucket))
    throw invalidArgument(`bucket "${bucket}" is not one of ${CORRELATION_BUCKETS.join(', ')}`, {
      field: 'bucket',
    });
  return bucket as CorrelationBucket;
}

/** Quarter starts (UTC) covering [from, to), each cut to the window. */
function quarters(from: Date, to: Date): { from: Date; to: Date }[] {
  const out: { from: Date; to: Date }[] = [];
  let y = from.getUTCFullYear();
  let q = Math.floor(from.getUTCMonth() / 3);
  for (;;) {
    const start = new Date(Date.UTC(y, q * 3, 1));
    const end = new Date(Date.UTC(y, q * 3 + 3, 1));
    if (start >= to) break;
    out.push({ from: start < from ? from : start, to: end > to ? to : end });
    q++;
    if (q === 4) {
      q = 0;
      y++;
    }
  }
  return out;
}

/** Team x bucket cells of one metric: value, or withheld. */
export interface Cells {
  def: MetricDefinition;
  /** `${team}|${bucketIso}` → value (null: no value) and its withheld reason. */
  cells: Map<string, { team: string; bucket: string; value: number | null; withheld: string | null }>;
}

/**
 * One metric's team x bucket values as the registry computes them (so privacy withholding and
 * every definition's own rules apply). A quarter is one window per quarter: the registry's
 * buckets stop at months, and a median of a quarter is not a mean of three monthly medians.
 */
export async function teamCells(
  store: Queryable,
  registry: MetricRegistry,
  def: MetricDefinition,
  bucket: CorrelationBucket,
  from: Date,
  to: Date,
): Promise<Cells> {
  const values: MetricValue[] = [];
  if (bucket === 'quarter')
    for (const w of quarters(from, to)) {
      const rows = await registry.compute(store, def.name, { from: w.from, to: w.to, by: 'team' });
      values.push(...rows.map((r) => ({ ...r, bucket: w.from })));
    }
  else values.push(...(await registry.compute(store, def.name, { from, to, bucket, by: 'team' })));
  const cells: Cells['cells'] = new Map();
  for (const v of values) {
    if (v.group === null || v.bucket === null) continue;
    const b = v.bucket.toISOString();
    const value = v.value === null || !Number.isFinite(v.value) ? null : v.value;
    cells.set(`${v.group}|${b}`, { team: v.group, bucket: b, value, withheld: v.withheld ?? null });
  }
  return { def, cells };
}

const ref = (d: MetricDefinition): MetricRef => ({
  name: d.name,
  title: d.title,
  unit: d.unit,
  direction: d.direction,
});

/** Pairs two metrics' cells and correlates them (no store access: the strongest table reuses cells). */
export function correlateCells(
  x: Cells,
  y: Cells,
  o: { bucket: CorrelationBucket; from: Date; to: Date; minN: number; alpha: number },
): Correlation {
  const points: ScatterPoint[] = [];
  let withheld = 0;
  let unpaired = 0;
  let reason: string | null = null;
  const keys = new Set([...x.cells.keys(), ...y.cells.keys()]);
  for (const k of [...keys].sort()) {
    const a = x.cells.get(k);
    const b = y.cells.get(k);
    const held = a?.withheld ?? b?.withheld ?? null;
    if (held) {
      withheld++;
      reason ??= held;
      continue;
    }
    if (a?.value == null || b?.value == null) {
      unpaired++;
      continue;
    }
    points.push({ team: a.team, bucket: a.bucket, x: a.value, y: b.value });
  }
  const n = points.length;
  let rho: number | null = null;
  if (n >= 3) {
    const r = sampleRankCorrelation(
      points.map((p) => p.x),
      points.map((p) => p.y),
    );
    rho = Number.isFinite(r) ? r : null;
  }
  const pValue = rho === null ? null : spearmanPValue(rho, n);
  const warnings: string[] = [];
  if (n < o.minN)
    warnings.push(
      `only ${n} team x ${o.bucket} point${n === 1 ? '' : 's'} (fewer than ${o.minN}): too few to trust a correlation; widen the window or use a shorter bucket`,
    );
  if (n >= 3 && rho === null)
    warnings.push('one of the metrics has the same value at every point: no correlation can be computed');
  const teams = new Set(points.map((p) => p.team)).size;
  if (n && teams < 3)
    warnings.push(
      `the points come from ${teams} team${teams === 1 ? '' : 's'}: the relation is mostly over time, not across teams`,
    );
  if (withheld)
    warnings.push(
      `${withheld} team x ${o.bucket} cell${withheld === 1 ? '' : 's'} withheld for privacy (fewer than k people) and left out`,
    );
  return {
    x: ref(x.def),
    y: ref(y.def),
    bucket: o.bucket,
    window: { from: o.from, to: o.to },
    n,
    rho,
    pValue,
    significant: pValue !== null && pValue < o.alpha && n >= o.minN,
    strength: strengthOf(rho),
    points,
    withheld: { cells: withheld, reason },
    unpaired,
    minN: o.minN,
    alpha: o.alpha,
    warnings,
    caveat: CAVEAT,
    method: METHOD,
  };
}

export function checkOptions(minN: number | undefined, alpha: number | undefined) {
  if (minN !== undefined && !(Number.isInteger(minN) && minN >= 3 && minN <= 10_000))
    throw invalidArgument(`min-n: ${minN} is not a whole number of points from 3 to 10000, e.g. 10`, {
      field: 'min_n',
    });
  if (alpha !== undefined && !(alpha > 0 && alpha < 0.5))
    throw invalidArgument(`alpha: ${alpha} is not a significance level above 0 and below 0.5, e.g. 0.05`, {
      field: 'alpha',
    });
  return { minN: minN ?? CORRELATION_DEFAULTS.minN, alpha: alpha ?? CORRELATION_DEFAULTS.alpha };
}

/** The correlation of two registry metrics over team x bucket points. */
export async function correlate(
  store: Queryable,
  registry: MetricRegistry,
  r: CorrelationRequest,
): Promise<Correlation> {
  const dx = teamMetric(registry, r.x, 'x');
  const dy = teamMetric(registry, r.y, 'y');
  if (dx.name === dy.name)
    throw invalidArgument(`x and y are both ${dx.name}: pick two different metrics`, { field: 'y' });
  const bucket = checkBucket(r.bucket ?? CORRELATION_DEFAULTS.bucket);
  const { minN, alpha } = checkOptions(r.minN, r.alpha);
  if (!(r.from < r.to))
    throw invalidArgument(`from (${r.from.toISOString()}) must be before to (${r.to.toISOString()})`, {
      field: 'from',
    });
  const [cx, cy] = await Promise.all([
    teamCells(store, registry, dx, bucket, r.from, r.to),
    teamCells(store, registry, dy, bucket, r.from, r.to),
  ]);
  return correlateCells(cx, cy, { bucket, from: r.from, to: r.to, minN, alpha });
}
