import { invalidArgument } from '../../errors/errors.js';
import type { MetricRegistry } from '../../metrics/registry/registry.js';
import type { FactsMetric, MetricDefinition } from '../../metrics/registry/types.js';
import { closestNames } from './suggest.js';
import type { MetricKind } from './types.js';

/** Hours in one unit of a duration metric. */
const HOURS: Record<string, number> = {
  milliseconds: 1 / 3_600_000,
  seconds: 1 / 3600,
  minutes: 1 / 60,
  hours: 1,
  days: 24,
};

export const hoursPerUnit = (unit: string): number | null => HOURS[unit] ?? null;

/** A registry metric by name; an unknown name gets the closest names as the fix. */
export function metricOf(registry: MetricRegistry, name: string): MetricDefinition {
  const def = registry.list().find((d) => d.name === name);
  if (def) return def;
  const near = closestNames(
    name,
    registry.list().map((d) => d.name),
  );
  throw invalidArgument(
    `unknown metric "${name}"${near.length ? `; did you mean ${near.join(', ')}?` : ''} (see: pitwall metrics list)`,
    { field: 'metric', suggestions: near },
  );
}

/**
 * The metric as impact analysis reads it: one value per event (its registry `facts`), not a
 * count. Counts and whole-query metrics have no per-event value to compare.
 */
export function factsMetricOf(registry: MetricRegistry, name: string): FactsMetric {
  const def = metricOf(registry, name);
  const perEvent = registry
    .list()
    .filter((d) => 'facts' in d && !countsEvents(d))
    .map((d) => d.name);
  if (!('facts' in def) || countsEvents(def))
    throw invalidArgument(
      `metric ${name} ${'facts' in def ? 'counts events' : 'is computed by a whole query'}, with no value per event to compare: use a duration or rate metric${suggest(name, perEvent)}`,
      { field: 'metric' },
    );
  return def;
}

const countsEvents = (d: MetricDefinition) =>
  'aggregate' in d && /^(cast\()?(count|sum)\(/.test(d.aggregate.trim());

const suggest = (name: string, names: string[]) => {
  const near = closestNames(name, names);
  return near.length ? `, e.g. ${near.join(', ')}` : '';
};

/** Durations get business impact; 0/1 ratios (success rates) a two-proportion test. */
export function kindOf(def: MetricDefinition, values: readonly number[]): MetricKind {
  if (hoursPerUnit(def.unit) !== null) return 'duration';
  if (def.unit === 'ratio' && values.every((v) => v === 0 || v === 1)) return 'ratio';
  return 'value';
}

/**
 * What a 0/1 value counts as a share: a success rate is read as its failure rate (v = 0), a
 * failure rate or any other 0/1 share as itself (v = 1).
 */
export function shareOf(def: MetricDefinition): { label: string; counted: 0 | 1 } {
  if (/success_rate$/.test(def.name)) return { label: 'failure rate', counted: 0 };
  if (/fail\w*_rate$/.test(def.name)) return { label: 'failure rate', counted: 1 };
  return { label: def.title, counted: 1 };
}
