import { z } from 'zod';
import { configSection } from '../../config/sections.js';

/**
 * The `statsd:` section of pitwall.yaml: the StatsD/DogStatsD UDP listener `pitwall serve` runs
 * beside its HTTP server. Off by default: opening a port is the operator's decision.
 */
export const statsdSection = z
  .object({
    enabled: z.boolean().default(false),
    /** Loopback by default; `0.0.0.0` to accept metrics from other machines. */
    host: z.string().min(1).default('127.0.0.1'),
    /** 8125 is the StatsD port clients (hot-shots, the Datadog libraries) send to by default. */
    port: z.number().int().min(0).max(65535).default(8125),
    /** Points are aggregated per interval and stamped with its start. */
    flush_interval_seconds: z.number().positive().max(3600).default(10),
    /** How many recent malformed lines the listener's health keeps. */
    malformed_samples: z.number().int().min(0).max(1000).default(10),
  })
  .strict()
  .prefault({});
export type StatsdConfig = z.output<typeof statsdSection>;

export const statsdSettings = configSection('statsd', statsdSection);

declare module '../../config/schema.js' {
  interface PluginSections {
    statsd: StatsdConfig;
  }
}
