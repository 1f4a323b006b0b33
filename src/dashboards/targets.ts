import type { Config } from '../config/schema.js';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import { datadogDashboards } from './datadog/target.js';
import { grafanaTargets } from './grafana/target.js';
import type { DashboardSpec } from './model.js';

/**
 * A place dashboards go (Datadog, Grafana). A target turns a target-neutral `DashboardSpec` into
 * its own JSON and talks to its service; the CLI (`pitwall dashboards ...`) only sees this
 * interface, so a new target is a folder under src/dashboards/ and one line in `dashboardTargets`.
 */
export interface BuildContext {
  /** The registry of the configuration built for: units and thresholds (with overrides) come from it. */
  registry: MetricRegistry;
  /** The loaded config, when there is one: a target's own section shapes what it builds (Datadog's metric prefix). */
  config?: Config;
}

export interface TargetContext extends BuildContext {
  /** The loaded config: a target reads its own section (`datadog:`, `grafana:`). */
  config: Config;
  /** Secrets and endpoints (API keys, site, URLs): the CLI's environment, never printed. */
  env: Readonly<Record<string, string | undefined>>;
  /** Where relative paths in the config (key files) resolve. */
  cwd: string;
}

/** One file `build --out DIR` writes, relative to DIR. */
export interface BuiltFile {
  path: string;
  content: string;
}

export interface PushResult {
  action: 'created' | 'updated';
  /** The id the service gave the dashboard (Datadog's `abc-def-ghi`, Grafana's uid). */
  remoteId: string;
  url?: string;
}

/** A Pitwall dashboard as the service lists it. */
export interface ListedDashboard {
  /** The spec's stable id (`pitwall-executive`), read back from what the target stored. */
  stableId: string;
  remoteId: string;
  title: string;
  url?: string;
  modifiedAt?: string;
}

export interface DashboardTarget<Built = unknown> {
  id: string;
  description: string;
  /** Pure: the same spec and registry give the same JSON. */
  build(spec: DashboardSpec, ctx: BuildContext): Built;
  /** What `build --out` writes for one built dashboard. */
  files(spec: DashboardSpec, built: Built): BuiltFile[];
  /** Create, or update the one dashboard carrying the spec's stable id (never a duplicate). */
  push(spec: DashboardSpec, built: Built, ctx: TargetContext): Promise<PushResult>;
  /** The live dashboard carrying this stable id, in the shape `build` returns, or null. */
  pull(stableId: string, ctx: TargetContext): Promise<Built | null>;
  /** Pitwall's dashboards on the service (those carrying a stable id). */
  list(ctx: TargetContext): Promise<ListedDashboard[]>;
  /**
   * The part of a dashboard `diff` compares: `build`'s output and the pulled one both pass
   * through it, so fields the service manages (ids, authors, timestamps, urls) never show.
   */
  comparable(built: Built): unknown;
  /** What the user should know about a built dashboard (panels that will stay empty, and why). */
  warnings?(spec: DashboardSpec): string[];
}

/** Every dashboard target; `--target <id>` picks one. */
export const dashboardTargets: DashboardTarget[] = [datadogDashboards, ...grafanaTargets];

export function targetById(id: string): DashboardTarget | undefined {
  return dashboardTargets.find((t) => t.id === id);
}
