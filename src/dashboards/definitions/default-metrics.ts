import { coreConfigSchema, type Config } from '../../config/schema.js';
import { doraDefinitions } from '../../metrics/definitions/dora.js';
import { definitions } from '../../metrics/definitions/index.js';
import { testenvDefinitions } from '../../metrics/definitions/testenv.js';
import type { MetricDefinition } from '../../metrics/registry/types.js';

/**
 * Every metric as the default configuration defines it. Definitions take panel titles from
 * here; config changes thresholds and tiers, never names or titles, so a target reads units
 * and thresholds from the registry of the configuration it builds for, not from this list.
 */
const all = new Map<string, MetricDefinition>(
  [...doraDefinitions(coreConfigSchema.parse({}) as Config), ...definitions, ...testenvDefinitions()].map(
    (d) => [d.name, d],
  ),
);

export function defaultMetric(name: string): MetricDefinition | undefined {
  return all.get(name);
}
