import Table from 'cli-table3';
import type { Config } from '../../config/schema.js';
import { registryFor } from '../../metrics/definitions/index.js';
import type { Queryable } from '../../store/store.js';

export interface DryRunMetric {
  name: string;
  unit: string;
  value: number | null;
}

const DAY = 86_400_000;

/**
 * Every github.* metric over the collected window: from --since (else 30 days back) to now.
 * Only for --dry-run, which has no store to come back to later.
 */
export async function githubMetrics(
  store: Queryable,
  cfg: Config,
  since: Date | null,
): Promise<DryRunMetric[]> {
  const registry = registryFor(cfg);
  const to = new Date();
  const from = since ?? new Date(to.getTime() - 30 * DAY);
  const out: DryRunMetric[] = [];
  for (const d of registry.list().filter((m) => m.name.startsWith('github.'))) {
    const rows = await registry.compute(store, d.name, { from, to });
    out.push({ name: d.name, unit: d.unit, value: rows[0]?.value ?? null });
  }
  return out;
}

export function printMetrics(ms: readonly DryRunMetric[]): string {
  const t = new Table({ head: ['metric', 'value', 'unit'], style: { head: [], border: [], compact: true } });
  for (const m of ms) t.push([m.name, m.value === null ? '—' : Number(m.value.toFixed(3)), m.unit]);
  return `${t.toString()}\n`;
}
