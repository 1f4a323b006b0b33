import type { z } from 'zod';
import type { CollectorLogger, CollectorRuntime } from '../collectors/collector.js';
import type { Config } from '../config/schema.js';
import type { ConfigSection } from '../config/sections.js';
import type { MetricRegistry } from '../metrics/registry/registry.js';
import type { Queryable } from '../store/store.js';

/**
 * What an exporter run is handed: the warehouse to read (through the registry only, so the
 * privacy rule holds on every export), the config, and the host's runtime (secrets from `env`).
 */
export interface ExportContext extends CollectorRuntime {
  store: Queryable;
  registry: MetricRegistry;
  config: Config;
  clock: () => Date;
  logger: CollectorLogger;
  /** Print the exact payloads instead of sending them (`--dry-run`). */
  dryRun: boolean;
  /** Where a dry run prints its payloads. */
  out: (text: string) => void;
}

export interface ExportOutcome {
  /** Points (series values) sent, or that a dry run would send. */
  points: number;
  /** Requests made to the destination (0 on a dry run). */
  requests: number;
  /** Facts for the summary line and the exporter's health row. */
  facts?: Record<string, string | number | boolean>;
}

/**
 * A destination the registry's metrics go out to (Datadog, an OTLP endpoint), declared as a
 * plain object and checked with `satisfies Exporter<...>`, one line in src/export/exporters.ts.
 * `pitwall export <id>` runs it once; `exporters:` jobs in pitwall.yaml run it on a schedule
 * inside `pitwall serve`, and each run's health is kept like a collector's (a `sources` row of
 * kind `exporter`).
 */
export interface Exporter<S extends z.ZodType> {
  id: string;
  description: string;
  /** Options of one run: the CLI's flags, or a scheduled job's `options:`. */
  optionsSchema: S;
  /** Its own pitwall.yaml section (`datadog:`), for settings that outlive one run. */
  settings?: ConfigSection;
  run(options: z.output<S>, ctx: ExportContext): Promise<ExportOutcome>;
}

/** Any registry entry; methods are bivariant, so every declared exporter is one. */
export type AnyExporter = Exporter<z.ZodType>;
