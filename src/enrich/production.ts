import type { Config } from '../config/schema.js';

/** SQL condition (on column `col`) true for the environments the config calls production. */
export function productionCondition(config: Config, col = 'environment'): string {
  const names = config.dora.production_environments.map((e) => `'${e.toLowerCase().replaceAll("'", "''")}'`);
  return `lower(${col}) in (${names.join(', ')})`;
}
