import type { z } from 'zod';
import { agentSettings } from './agent/config.js';
import { alertConfigIssues, alertsSettings, digestsSettings, notifySettings } from './alerts/config.js';
import { collectors } from './collectors/index.js';
import { composeConfigSchema } from './config/compose.js';
import { datadogSettings } from './export/datadog/config.js';
import { exportersSettings } from './export/schedule-config.js';
import { retentionSettings } from './export/retention-config.js';
import { experimentsSettings } from './report/experiments/config.js';
import { loadConfig as loadWith, type LoadOptions } from './config/load.js';
import type { Config, PluginSections } from './config/schema.js';
import type { ConfigContributions } from './config/sections.js';
import { statsdSettings } from './listeners/statsd/config.js';
import { testenvSettings } from './listeners/statsd/testenv-config.js';
import { metricNames } from './metrics/definitions/index.js';
import { spaceSettings } from './report/space-config.js';
import { correlationsSettings } from './report/correlations-config.js';

/**
 * Where the plug-in registries meet the config: the one module above both. config/ sits below
 * every plug-in (they all read `Config`), so it cannot import them; plug-ins cannot compose the
 * config either without each knowing the others. This file imports the registries, hands their
 * sections and scheduled kinds to the loader, and is what entry points (CLI, tests, benchmarks)
 * load the config through. The metric registry contributes its names (threshold keys are checked
 * against them); future registries (listeners, exporters, alert channels) add theirs here.
 */
/** Sections of plug-ins that are not collectors (the shell agent, the listeners, ...). */
const pluginSettings = [
  agentSettings,
  statsdSettings,
  testenvSettings,
  retentionSettings,
  alertsSettings,
  notifySettings,
  digestsSettings,
  experimentsSettings,
  correlationsSettings,
  spaceSettings,
  datadogSettings,
  exportersSettings,
] as const;

export const configContributions: ConfigContributions = {
  sections: [...collectors.flatMap((c) => ('settings' in c ? [c.settings] : [])), ...pluginSettings],
  scheduled: collectors.map((c) => ({ id: c.id, options: c.configSchema })),
  metrics: metricNames(),
  checks: [alertConfigIssues],
};

/** The whole config schema: core sections, plug-in sections, scheduled jobs checked per collector. */
export const configSchema: z.ZodType<Config> = composeConfigSchema(configContributions);

/** pitwall.yaml and the environment, validated against the core and every plug-in, frozen. */
export function loadConfig(opts: Omit<LoadOptions, 'contributions'> = {}): Config {
  return loadWith({ ...opts, contributions: configContributions });
}

// Compile-time proof that the sections the registry contributes are exactly the ones
// `PluginSections` declares (by declaration merging, next to each section's schema), so `Config`
// never types a section that is not loaded, nor misses one that is.
type Contributed = Extract<(typeof collectors)[number], { settings: unknown }>['settings'];
type ContributedSections = {
  [S in Contributed | (typeof pluginSettings)[number] as S['key']]: z.output<S['schema']>;
};
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sectionsMatch: Same<ContributedSections, PluginSections> = true;
void sectionsMatch;
