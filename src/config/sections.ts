import type { z } from 'zod';
import type { Config } from './schema.js';

/**
 * A plug-in's own section of pitwall.yaml (`github:`, ...). The plug-in declares it and its
 * registry hands it to the loader, so config/ validates it without importing any plug-in.
 * The section's schema must accept a missing section (a `.prefault({})` or `.default(...)`).
 */
export interface ConfigSection<K extends string = string, S extends z.ZodType = z.ZodType> {
  key: K;
  schema: S;
  /**
   * Environment variables that override a key of the section, e.g.
   * `{ PITWALL_GITHUB_WEBHOOK_SECRET: 'webhook_secret' }`: secrets belong there, not in a file.
   */
  env?: Readonly<Record<string, string>>;
}

/** Declares a section; a function so `key` keeps its literal type (checked in src/plugins.ts). */
export function configSection<K extends string, S extends z.ZodType>(
  key: K,
  schema: S,
  env?: Readonly<Record<string, string>>,
): ConfigSection<K, S> {
  return { key, schema, ...(env ? { env } : {}) };
}

/** A kind of job the `collectors:` list may schedule: its id and the schema of its `options:`. */
export interface ScheduledKind {
  id: string;
  options: z.ZodType;
}

/** What plug-ins contribute to the config; composed with the core sections when it is loaded. */
export interface ConfigContributions {
  sections: readonly ConfigSection[];
  scheduled: readonly ScheduledKind[];
  /** The metric registry's names: a `metrics.thresholds` key must be one (unchecked when left out). */
  metrics?: readonly string[];
  /**
   * Checks across sections once each is valid (an alert rule's channel against notify.channels,
   * its metric against the registry): each issue names its key, as a section's own would.
   */
  checks?: readonly ((cfg: Config) => { path: (string | number)[]; message: string }[])[];
}

/** The core sections alone: tests of core code; a plug-in's section or a scheduled job is then refused. */
export const NO_CONTRIBUTIONS: ConfigContributions = { sections: [], scheduled: [] };
