import { z } from 'zod';
import { configSection } from '../../config/sections.js';

const tagKey = z
  .string()
  .min(1)
  .regex(/^[^,|#\s]+$/, 'expected a tag key (no commas, pipes or spaces)');

const compiles = (pattern: string) => {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
};

/** A key mapped to N hash buckets, or rewritten by a regular expression (JavaScript syntax). */
const bucketRule = z.union([
  z.object({ buckets: z.number().int().min(2).max(10_000) }).strict(),
  z
    .object({
      pattern: z.string().min(1).refine(compiles, 'is not a valid regular expression'),
      replace: z.string(),
    })
    .strict(),
]);

/**
 * The `statsd:` section of pitwall.yaml: the StatsD/DogStatsD listener `pitwall serve` runs
 * beside its HTTP server (UDP, and a Unix datagram socket when `socket_path` is set). Off by
 * default: opening a port is the operator's decision.
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
    /** A Unix datagram socket to listen on as well (hot-shots `protocol: 'uds'`); null: none. */
    socket_path: z.string().min(1).max(100).nullable().default(null),
    /** SO_RCVBUF asked for each socket; the kernel caps it (net.core.rmem_max). */
    receive_buffer_bytes: z
      .number()
      .int()
      .min(65_536)
      .max(1 << 30)
      .default(8 << 20),
    /**
     * How long a flushed interval still takes late (DogStatsD-timestamped) samples, which add
     * to it; older samples are dropped and counted as late_dropped in the health.
     */
    late_horizon_seconds: z.number().min(0).max(86_400).default(600),
    /** Distinct tag sets per metric; new ones past it fold into the metric's `other:true` series. */
    max_tag_sets_per_metric: z.number().int().min(1).max(1_000_000).default(1000),
    /** Tag keys that are unbounded by nature, dropped or bucketed before the cap counts. */
    tag_policy: z
      .object({
        drop: z.array(tagKey).default(['branch', 'user', 'sha', 'pr']),
        bucket: z.record(tagKey, bucketRule).default({}),
      })
      .strict()
      .prefault({})
      .superRefine((p, ctx) => {
        for (const k of Object.keys(p.bucket))
          if (p.drop.includes(k))
            ctx.addIssue({
              code: 'custom',
              path: ['bucket', k],
              message: `"${k}" is both dropped and bucketed: remove it from one of tag_policy.drop and tag_policy.bucket`,
            });
      }),
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
