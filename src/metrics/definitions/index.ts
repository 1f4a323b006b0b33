import type { MetricDefinition } from '../registry/types.js';
import { MetricRegistry } from '../registry/registry.js';

/** Every area's definitions; one file per area under this folder. */
export const definitions: MetricDefinition[] = [];

export function defaultRegistry(): MetricRegistry {
  return new MetricRegistry(definitions);
}
