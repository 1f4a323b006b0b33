import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { MetricValue } from '../metrics/registry/types.js';
import type { Queryable } from '../store/store.js';
import { durationMs, type AlertRule } from './config.js';

/** What one evaluation saw for one group of a rule. */
export interface Observation {
  group: string | null;
  /** above/below: the metric's value; change: the relative change (0.25 = up 25%). */
  value: number | null;
  /** change: the previous window's value. */
  previous: number | null;
  breached: boolean;
  /** Why the value is null on purpose (a personal metric over too few people). */
  withheld: string | null;
}

const key = (v: MetricValue) => v.group;

/**
 * The rule's metric over the window ending now (and, for `change`, the equal window before it),
 * through the registry, so a personal value over too few people arrives withheld (null) and
 * never breaches. No value (no data, withheld, a change from zero) is not a breach.
 */
export async function observe(
  q: Queryable,
  registry: MetricRegistry,
  rule: AlertRule,
  now: Date,
): Promise<Observation[]> {
  const windowMs = durationMs(rule.window)!;
  const from = new Date(now.getTime() - windowMs);
  const req = { from, to: now, by: rule.by };
  if (rule.when !== 'change') {
    const values = await registry.compute(q, rule.metric, req);
    return values.map((v) => ({
      group: key(v),
      value: v.value,
      previous: null,
      withheld: v.withheld ?? null,
      breached:
        v.value !== null && (rule.when === 'above' ? v.value > rule.threshold : v.value < rule.threshold),
    }));
  }
  const { current, previous } = await registry.computeWindows(q, rule.metric, {
    ...req,
    previousFrom: new Date(from.getTime() - windowMs),
  });
  const before = new Map(previous.map((p) => [key(p), p]));
  return current.map((v) => {
    const p = before.get(key(v));
    const prev = p?.value ?? null;
    const rel = v.value === null || prev === null || prev === 0 ? null : (v.value - prev) / Math.abs(prev);
    return {
      group: key(v),
      value: rel,
      previous: prev,
      withheld: v.withheld ?? p?.withheld ?? null,
      breached: rel !== null && (rule.threshold > 0 ? rel >= rule.threshold : rel <= rule.threshold),
    };
  });
}
