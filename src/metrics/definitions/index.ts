import { coreConfigSchema, type Config } from '../../config/schema.js';
import type { MetricDefinition } from '../registry/types.js';
import { MetricRegistry } from '../registry/registry.js';
import { ciDefinitions } from './ci.js';
import { copilotDefinitions } from './copilot.js';
import { coverageDefinitions } from './coverage.js';
import { criticalPathDefinitions } from './critical-path.js';
import { flowDefinitions } from './flow.js';
import { doraDefinitions } from './dora.js';
import { gitDefinitions } from './git.js';
import { githubDefinitions } from './github.js';
import { dxDefinitions } from './dx.js';
import { feedbackDefinitions } from './feedback.js';
import { localDefinitions } from './local.js';
import { platformDefinitions } from './platform.js';
import { prDefinitions } from './prs.js';
import { spaceDefinitions } from './space.js';
import { testenvDefinitions } from './testenv.js';
import { testDefinitions } from './tests.js';

/** Definitions that do not depend on configuration; one file per area under this folder. */
export const definitions: MetricDefinition[] = [
  ...prDefinitions,
  ...flowDefinitions,
  ...ciDefinitions,
  ...criticalPathDefinitions,
  ...testDefinitions,
  ...coverageDefinitions,
  ...localDefinitions,
  ...dxDefinitions,
  ...feedbackDefinitions,
  ...gitDefinitions,
  ...githubDefinitions,
  ...spaceDefinitions,
  ...platformDefinitions,
  ...copilotDefinitions,
];

/** The registry for a configuration: config decides production environments, tiers, threshold overrides and the test-environment analysis settings. */
export function registryFor(config: Config): MetricRegistry {
  const all = [...doraDefinitions(config), ...definitions, ...testenvDefinitions(config.testenv)].map((d) => {
    const override = config.metrics.thresholds[d.name];
    return override ? { ...d, thresholds: override } : d;
  });
  return new MetricRegistry(all, { minGroupSize: config.privacy.min_group_size });
}

/** Every metric's name. Config changes thresholds and tiers, never names: the defaults list them all. */
export function metricNames(): string[] {
  return [
    ...doraDefinitions(coreConfigSchema.parse({}) as Config),
    ...definitions,
    ...testenvDefinitions(),
  ].map((d) => d.name);
}
