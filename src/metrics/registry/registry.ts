import { PitwallError, invalidArgument } from '../../errors/errors.js';
import type { Queryable } from '../../store/store.js';
import { composeQuery } from './compose.js';
import type { MetricDefinition, MetricRequest, MetricValue, Status, Thresholds } from './types.js';

const NAME = /^[a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+$/;

/** The named metric definitions every presenter (CLI, API, dashboards, exporters) reads. */
export class MetricRegistry {
  private readonly defs = new Map<string, MetricDefinition>();

  constructor(definitions: readonly MetricDefinition[]) {
    for (const d of definitions) {
      if (!NAME.test(d.name))
        throw new PitwallError('internal', `metric name ${d.name} is not {service}.{category}.{metric}`);
      if (this.defs.has(d.name)) throw new PitwallError('internal', `metric ${d.name} is defined twice`);
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
    const def = this.get(name);
    if (req.by && !def.groupBy.includes(req.by))
      throw invalidArgument(
        `metric ${name} cannot be grouped by "${req.by}"; allowed: ${def.groupBy.join(', ') || 'none'}`,
      );
    if (!(req.from < req.to)) throw invalidArgument(`--from must be before --to`);
    const rows = await store.query<{ bucket: Date | null; grp: string | null; value: number | null }>(
      composeQuery(def, req),
      [req.from, req.to],
    );
    // A count over nothing is 0, not unknown (percentiles and ratios of nothing stay null).
    if (!rows.length && !req.bucket && !req.by && 'aggregate' in def && /^(count|sum)\(/.test(def.aggregate))
      return [{ bucket: null, group: null, value: 0 }];
    return rows.map((r) => ({
      bucket: r.bucket,
      group: r.grp,
      value: r.value === null || Number.isNaN(r.value) ? null : r.value,
    }));
  }
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
