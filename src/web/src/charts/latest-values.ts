import { api } from '../api.js';
import { useLoad, useRegistry } from '../data.js';
import { iso, previousWindow, useFilters } from '../filters.js';
import { statusOf } from '../format.js';
import type { MetricInfo, MetricPoint, Status } from '../types.js';

/** One registry value as a platform panel shows it: the number, its light and the window before. */
export interface Latest {
  info: MetricInfo | undefined;
  value: number | null;
  previous: number | null;
  status: Status;
  withheld: string | null;
}

export interface LatestSet {
  /** Metric name → its whole-organisation value (current and previous window). */
  whole: Map<string, Latest>;
  /** Metric name → its values per group, when asked `by`. */
  groups: Map<string, MetricPoint[]>;
  error: string | null;
  loaded: boolean;
}

const EMPTY: Latest = { info: undefined, value: null, previous: null, status: 'none', withheld: null };
export const latestOf = (set: LatestSet, name: string): Latest => set.whole.get(name) ?? EMPTY;

/**
 * Reads a panel's metrics for the view's window (and the window before, for the trend), and
 * optionally the same metrics per group; every number comes from the registry through the API.
 */
export function useLatest(
  names: readonly string[],
  opts: { by?: string; window?: { from: string; to: string } } = {},
): LatestSet {
  const [filters] = useFilters();
  const registry = useRegistry();
  const window = opts.window ?? { from: iso(filters.from), to: iso(filters.to) };
  const prev = opts.window ? null : previousWindow(filters);
  const ready = names.every((n) => registry.has(n));
  const { data, error } = useLoad(
    `latest|${names.join(',')}|${opts.by ?? ''}|${window.from}|${window.to}|${ready}`,
    async () => {
      if (!ready) return null;
      const read = (name: string, q: Record<string, string>) => api.metric(name, q).then((s) => s.values);
      return Promise.all(
        names.map(async (name) => {
          const [cur, before, grouped] = await Promise.all([
            read(name, window),
            prev ? read(name, { from: iso(prev.from), to: iso(prev.to) }) : Promise.resolve([]),
            opts.by ? read(name, { ...window, by: opts.by }) : Promise.resolve([]),
          ]);
          return { name, cur: cur[0] ?? null, before: before[0]?.value ?? null, grouped };
        }),
      );
    },
  );
  const whole = new Map<string, Latest>();
  const groups = new Map<string, MetricPoint[]>();
  for (const r of data ?? []) {
    const info = registry.get(r.name);
    const value = r.cur?.value ?? null;
    whole.set(r.name, {
      info,
      value,
      previous: r.before,
      status: info ? statusOf(value, info.direction, info.thresholds) : 'none',
      withheld: r.cur?.withheld ?? null,
    });
    groups.set(r.name, r.grouped);
  }
  return { whole, groups, error, loaded: Boolean(data) || Boolean(error) };
}
