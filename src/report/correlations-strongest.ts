import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { Queryable } from '../store/store.js';
import type { CorrelationsConfig } from './correlations-config.js';
import {
  CAVEAT,
  METHOD,
  correlateCells,
  teamMetric,
  teamCells,
  type Cells,
  type Correlation,
  type CorrelationBucket,
} from './correlations.js';

const DAY = 86_400_000;

/** One row of the strongest-relations table: a correlation without its points. */
export type StrongRelation = Omit<Correlation, 'points' | 'caveat' | 'method' | 'window' | 'bucket'>;

export interface StrongestTable {
  bucket: CorrelationBucket;
  window: { from: Date; to: Date };
  computedAt: Date;
  /** Significant relations first, then by |rho|, largest first; pairs without rho last. */
  relations: StrongRelation[];
  /** Configured metrics that could not be used (not split by team), and why. */
  skipped: { metric: string; reason: string }[];
  caveat: string;
  method: string;
}

export function pairsOf(c: Pick<CorrelationsConfig, 'metrics' | 'pairs'>): [string, string][] {
  if (c.pairs) return c.pairs.map(([a, b]) => [a, b]);
  const out: [string, string][] = [];
  c.metrics.forEach((a, i) => c.metrics.slice(i + 1).forEach((b) => out.push([a, b])));
  return out;
}

const rank = (r: StrongRelation) => (r.rho === null ? -1 : Math.abs(r.rho));

/**
 * Every configured pair over the window ending at `now`. Each metric's team x bucket cells are
 * read once, however many pairs it is in: 8 metrics make 28 pairs from 8 registry reads.
 */
export async function strongestRelations(
  store: Queryable,
  registry: MetricRegistry,
  c: CorrelationsConfig,
  now: Date,
  span?: { start: Date; end: Date } | null,
): Promise<StrongestTable> {
  let to = now;
  let from = new Date(now.getTime() - c.window_days * DAY);
  // A window past the data is empty months: cut it to what is stored, as every read is.
  if (span) {
    if (span.end < to) to = span.end;
    if (span.start > from) from = span.start;
    if (!(from < to)) from = new Date(to.getTime() - c.window_days * DAY);
  }
  const pairs = pairsOf(c);
  const names = [...new Set(pairs.flat())];
  const skipped: StrongestTable['skipped'] = [];
  const cells = new Map<string, Cells>();
  for (const name of names) {
    try {
      const def = teamMetric(registry, name, 'x');
      cells.set(name, await teamCells(store, registry, def, c.bucket, from, to));
    } catch (e) {
      skipped.push({ metric: name, reason: (e as Error).message.replace(/^x: /, '') });
    }
  }
  const relations: StrongRelation[] = [];
  for (const [a, b] of pairs) {
    const ca = cells.get(a);
    const cb = cells.get(b);
    if (!ca || !cb) continue;
    const full = correlateCells(ca, cb, {
      bucket: c.bucket,
      from,
      to,
      minN: c.min_n,
      alpha: c.alpha,
    });
    const { points: _p, caveat: _c, method: _m, window: _w, bucket: _b, ...row } = full;
    relations.push(row);
  }
  relations.sort((p, q) => Number(q.significant) - Number(p.significant) || rank(q) - rank(p));
  return {
    bucket: c.bucket,
    window: { from, to },
    computedAt: now,
    relations,
    skipped,
    caveat: CAVEAT,
    method: METHOD,
  };
}
