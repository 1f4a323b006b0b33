import { PitwallError, invalidArgument } from '../../errors/errors.js';
import type { Queryable, SqlValue } from '../../store/store.js';
import { composeQuery } from './compose.js';
import { filterSql, inWindow } from './fragments.js';
import { firstRows, sortValues } from './order.js';
import { DEFAULT_MIN_GROUP_SIZE, PERSONAL_ROWS_REASON, withheldReason } from './privacy.js';
import { BUCKETS } from './types.js';
import type { MetricDefinition, MetricRequest, MetricValue, Status, Thresholds } from './types.js';

const NAME = /^[a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+$/;

/** The named metric definitions every presenter (CLI, API, dashboards, exporters) reads. */
export class MetricRegistry {
  private readonly defs = new Map<string, MetricDefinition>();
  /** `privacy.min_group_size`: values of metrics about people over fewer are withheld. */
  readonly minGroupSize: number;

  constructor(definitions: readonly MetricDefinition[], opts: { minGroupSize?: number } = {}) {
    this.minGroupSize = opts.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
    for (const d of definitions) {
      if (!NAME.test(d.name))
        throw new PitwallError('internal', `metric name ${d.name} is not {service}.{category}.{metric}`);
      if (this.defs.has(d.name)) throw new PitwallError('internal', `metric ${d.name} is defined twice`);
      if (d.personal) checkPersonal(d);
      this.defs.set(d.name, d);
    }
  }

  list(): MetricDefinition[] {
    return [...this.defs.values()];
  }

  get(name: string): MetricDefinition {
    const d = this.defs.get(name);
    if (!d) {
      const near = this.list()
        .map((x) => x.name)
        .filter((n) => n.split('.')[0] === name.split('.')[0])
        .slice(0, 5);
      throw invalidArgument(
        `unknown metric "${name}"${near.length ? `; did you mean ${near.join(', ')}?` : ''} (see: pitwall metrics list)`,
      );
    }
    return d;
  }

  async compute(store: Queryable, name: string, req: MetricRequest): Promise<MetricValue[]> {
    const def = this.check(name, req);
    const { sql, params } = composeQuery(def, req);
    const rows = await store.query<Row>(sql, [req.from, req.to, ...params]);
    if (!rows.length && !req.bucket && !req.by && countsToZero(def)) return [this.zero(def)];
    return sortValues(rows.map((r) => this.toValue(def, r)));
  }

  /**
   * The window and the equal window before it (report trends). A facts metric reads both in one
   * query over [previousFrom, to) split at `from`, half the round trips of two queries.
   */
  async computeWindows(
    store: Queryable,
    name: string,
    req: MetricRequest & { previousFrom: Date },
  ): Promise<{ current: MetricValue[]; previous: MetricValue[] }> {
    const def = this.check(name, req);
    // Facts that read the window themselves ($1/$2) would see the joined window: query them apart.
    if ('query' in def || req.bucket || /\$[12]\b/.test(def.facts)) {
      const [current, previous] = await Promise.all([
        this.compute(store, name, req),
        this.compute(store, name, { ...req, from: req.previousFrom, to: req.from }),
      ]);
      return { current, previous };
    }
    const { sql, params } = composeQuery(def, { ...req, from: req.previousFrom }, req.from);
    const read = await store.query<Row>(sql, [req.previousFrom, req.to, ...params]);
    const rows = sortValues(read.map((r) => this.toValue(def, r)));
    const pick = (cur: boolean) => {
      const mine = rows
        .filter((r) => (r.bucket!.getTime() === req.from.getTime()) === cur)
        .map((r) => ({ ...r, bucket: null }));
      return !mine.length && !req.by && countsToZero(def) ? [this.zero(def)] : mine;
    };
    return { current: pick(true), previous: pick(false) };
  }

  /** One row as a value; a personal metric withholds a value over too few people. */
  private toValue(def: MetricDefinition, r: Row): MetricValue {
    const value = r.value === null || Number.isNaN(r.value) ? null : r.value;
    const base = { bucket: r.bucket, group: r.grp, value };
    if (!def.personal) return base;
    // A personal query metric that yields no `people` would otherwise read as 0 people and hide
    // every value without saying why it is broken: fail loudly instead.
    if (r.people === undefined)
      throw new PitwallError('internal', `personal metric ${def.name} returned no people column`);
    return this.withPeople(base, Number(r.people ?? 0));
  }

  /** `value` over `people` distinct people: shown from `minGroupSize` on, withheld below it. */
  withPeople(v: MetricValue, people: number): MetricValue {
    const withheld = withheldReason(people, this.minGroupSize);
    return withheld ? { ...v, value: null, people, withheld } : { ...v, people };
  }

  /**
   * A count over no rows is 0. For a personal metric it is over 0 people and still shown: an
   * empty set has no one in it to single out, and a previous window with no data must read 0.
   */
  private zero(def: MetricDefinition): MetricValue {
    const v = { bucket: null, group: null, value: 0 };
    return def.personal ? { ...v, people: 0 } : v;
  }

  private check(name: string, req: MetricRequest): MetricDefinition {
    const def = this.get(name);
    if (req.by && !def.groupBy.includes(req.by))
      throw invalidArgument(
        `metric ${name} cannot be grouped by "${req.by}"; allowed: ${def.groupBy.join(', ') || 'none'}`,
      );
    if (!(req.from < req.to))
      throw invalidArgument(`from (${req.from.toISOString()}) must be before to (${req.to.toISOString()})`, {
        field: 'from',
      });
    if (req.bucket && !BUCKETS.includes(req.bucket))
      throw invalidArgument(`bucket "${req.bucket}" is not one of ${BUCKETS.join(', ')}`);
    for (const k of Object.keys(req.where ?? {}))
      if (!def.groupBy.includes(k))
        throw invalidArgument(
          `metric ${name} cannot be filtered by "${k}"; allowed: ${def.groupBy.join(', ') || 'none'}`,
        );
    return def;
  }
}

type Row = { bucket: Date | null; grp: string | null; value: number | null; people?: number | bigint | null };

/**
 * A personal facts metric names its person column; a personal query metric yields a `people`
 * column (distinct persons behind each bucket and group), checked here on the SQL it writes
 * for every bucket and group-by, and again on every row it returns.
 */
function checkPersonal(d: MetricDefinition): void {
  if (!('query' in d)) {
    if (!d.person)
      throw new PitwallError('internal', `metric ${d.name} is personal but names no person column`);
    if (!/^[a-z_][a-z0-9_]*$/.test(d.person))
      throw new PitwallError('internal', `metric ${d.name}: person "${d.person}" is not a column name`);
    return;
  }
  for (const by of [null, ...d.groupBy])
    for (const bucket of [null, ...BUCKETS]) {
      const { sql } = composeQuery(d, { from: new Date(0), to: new Date(1), by, bucket });
      if (!/\bas\s+people\b/i.test(sql))
        throw new PitwallError(
          'internal',
          `personal query metric ${d.name} must yield a people column (count(distinct <person>) as people)${by ? ` when grouped by ${by}` : ''}`,
        );
    }
}
/** A count over nothing is 0, not unknown (percentiles and ratios of nothing stay null). */
export const countsToZero = (def: MetricDefinition) =>
  'aggregate' in def && /^(cast\()?(count|sum)\(/.test(def.aggregate);

export interface ExplainRequest {
  from: Date;
  to: Date;
  /** Only rows of this group value (with `by`). */
  by?: string | null;
  group?: string | null;
  limit?: number;
}

export interface Explanation {
  metric: string;
  /** Rows in the window, oldest first, up to `limit`. Never any for a personal metric. */
  rows: Record<string, unknown>[];
  /** How many rows there are in all; null for a personal metric over too few people. */
  total: number | null;
  /** Personal metrics: the distinct people behind the rows. */
  people?: number;
  /** Personal metrics: why no row is listed (and, below `privacy.min_group_size`, no count). */
  withheld?: string;
  /** For a metric that leaves rows out on purpose: how many, why, and the first of them. */
  left_out?: LeftOut;
}

export interface LeftOut {
  total: number;
  /** reason → how many rows it left out. */
  reasons: Record<string, number>;
  /** reason → the rule, in words. */
  rules: Record<string, string>;
  /** Oldest first, up to the explain limit. */
  rows: Record<string, unknown>[];
}

/** The rows behind a metric's value, so a user can check the number row by row. */
export async function explainMetric(
  store: Queryable,
  registry: MetricRegistry,
  name: string,
  req: ExplainRequest,
): Promise<Explanation> {
  const def = registry.get(name);
  const sql = def.explain ?? ('facts' in def ? def.facts : null);
  if (!sql) throw invalidArgument(`metric ${name} has no row-level explanation`);
  if (req.by && !def.groupBy.includes(req.by))
    throw invalidArgument(
      `metric ${name} cannot be grouped by "${req.by}"; allowed: ${def.groupBy.join(', ') || 'none'}`,
    );
  if (req.group && !req.by) throw invalidArgument('--group needs --by (e.g. --by team --group payments)');
  const filter = filterSql(req.by && req.group ? { [req.by]: req.group } : undefined, 3);
  const params = [req.from, req.to, ...filter.params];
  const rowsOf = (facts: string) => `with f as (${facts}) select * from f where ${inWindow()}${filter.sql}`;
  const limit = Math.max(1, Math.floor(req.limit ?? 100));
  const base = rowsOf(sql);
  if (def.personal) return explainPersonal(store, registry, def, base, params);
  const [{ n } = { n: 0 }] = await store.query<{ n: number }>(
    `select count(*) as n from (${base}) x`,
    params,
  );
  const rows = await firstRows(store, base, params, limit, n);
  if (!def.leftOut) return { metric: name, rows, total: n };
  const out = rowsOf(def.leftOut.rows);
  const counts = await store.query<{ reason: string; n: number }>(
    `select reason, count(*) as n from (${out}) x group by reason order by reason`,
    params,
  );
  const reasons = Object.fromEntries(counts.map((c) => [c.reason, Number(c.n)]));
  const outTotal = counts.reduce((s, c) => s + Number(c.n), 0);
  const left_out: LeftOut = {
    total: outTotal,
    reasons,
    rules: Object.fromEntries(Object.keys(reasons).map((r) => [r, def.leftOut!.reasons[r] ?? r])),
    rows: await firstRows(store, out, params, limit, outTotal),
  };
  return { metric: name, rows, total: n, left_out };
}

/**
 * A personal metric's explanation: how many rows and people, never the rows themselves (each
 * is one person's answer); below `privacy.min_group_size` people not even the row count.
 */
async function explainPersonal(
  store: Queryable,
  registry: MetricRegistry,
  def: MetricDefinition,
  base: string,
  params: SqlValue[],
): Promise<Explanation> {
  if (!def.person) return { metric: def.name, rows: [], total: null, withheld: PERSONAL_ROWS_REASON };
  const [c] = await store.query<{ n: number; people: number }>(
    `select count(*) as n, count(distinct ${def.person}) as people from (${base}) x`,
    params,
  );
  const people = Number(c?.people ?? 0);
  const small = withheldReason(people, registry.minGroupSize);
  return {
    metric: def.name,
    rows: [],
    total: small ? null : Number(c?.n ?? 0),
    people,
    withheld: small ? `${small}; ${PERSONAL_ROWS_REASON}` : PERSONAL_ROWS_REASON,
  };
}

export function statusOf(
  value: number | null,
  direction: MetricDefinition['direction'],
  t?: Thresholds,
): Status {
  if (value === null || !t) return 'none';
  if (direction === 'lower_is_better')
    return value <= t.green ? 'green' : value <= t.yellow ? 'yellow' : 'red';
  return value >= t.green ? 'green' : value >= t.yellow ? 'yellow' : 'red';
}
