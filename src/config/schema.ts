import { z } from 'zod';
import { githubSection } from '../collectors/github/config.js';

/** Threshold pairs a metric's value is judged against; direction comes from the metric. */
export const thresholdSchema = z.object({ green: z.number(), yellow: z.number() }).strict();

const doraTiers = z
  .object({
    /** Deployment frequency: deploy-days per week at least this much. */
    deploy_days_per_week: z.object({ elite: z.number(), high: z.number(), medium: z.number() }).strict(),
    /** Lead time for changes, hours, at most. */
    lead_time_hours: z.object({ elite: z.number(), high: z.number(), medium: z.number() }).strict(),
    /** Change failure rate, fraction, at most. */
    change_failure_rate: z.object({ elite: z.number(), high: z.number(), medium: z.number() }).strict(),
    /** Time to restore service, hours, at most. */
    time_to_restore_hours: z.object({ elite: z.number(), high: z.number(), medium: z.number() }).strict(),
  })
  .strict();

/** `server:` in pitwall.yaml: how `pitwall serve` listens and who may read. */
const serverSection = z
  .object({
    /** Loopback unless told otherwise: telemetry should not be on a network by accident. */
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(4100),
    /** Opens every read endpoint (and /metrics) to callers without a token, on purpose. */
    anonymous_read: z.boolean().default(false),
    /** Largest accepted request body, in MB. */
    body_limit_mb: z.number().positive().max(512).default(5),
  })
  .strict()
  .prefault({});

/** A collector the server runs on a cron schedule (5 fields, or 6 with seconds first). */
const scheduledCollector = z
  .object({
    /** github options: org, repos (owner/name), since; its token comes from the environment (GITHUB_TOKEN or the App variables). */
    id: z.enum(['git', 'junit', 'github']),
    /** Distinguishes two jobs of the same collector; default `<id>#<position>`. */
    name: z.string().min(1).optional(),
    schedule: z.string().min(1),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const configSchema = z
  .object({
    store: z
      .object({
        duckdb_path: z.string().min(1).default('.pitwall/pitwall.duckdb'),
        database_url: z.string().min(1).nullable().default(null),
        duckdb_memory_limit: z
          .string()
          .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, 'expected a size such as 512MB')
          .optional(),
      })
      .strict()
      .default({ duckdb_path: '.pitwall/pitwall.duckdb', database_url: null }),
    git: z
      .object({
        /** Case-insensitive regular expressions matched against a commit subject or a branch name. */
        hotfix_patterns: z.array(z.string()).default(['^hotfix\\b', '\\bhotfix[:/(]', '\\bhot-fix\\b']),
      })
      .strict()
      .default({ hotfix_patterns: ['^hotfix\\b', '\\bhotfix[:/(]', '\\bhot-fix\\b'] }),
    dora: z
      .object({
        production_environments: z.array(z.string().min(1)).min(1).default(['production', 'prod']),
        /** An incident on a service counts against a deployment opened within this many hours after it. */
        incident_attribution_hours: z.number().positive().default(24),
        /** Which State of DevOps report's clusters grade the tiers (both are always shown by `pitwall dora`). */
        benchmark: z.enum(['2021', '2023']).default('2023'),
        /** Your own tier boundaries, replacing the benchmark's. */
        tiers: doraTiers.optional(),
      })
      .strict()
      .default({
        production_environments: ['production', 'prod'],
        incident_attribution_hours: 24,
        benchmark: '2023',
      }),
    /** The collector options section is the GitHub collector's; the webhook secret is the server's. */
    github: githubSection
      .unwrap()
      .extend({
        /** HMAC key of GitHub webhook deliveries; better set through PITWALL_GITHUB_WEBHOOK_SECRET. */
        webhook_secret: z.string().min(1).nullable().default(null),
      })
      .prefault({}),
    server: serverSection,
    /** Collectors the server runs on their cron schedules (`pitwall serve`). */
    collectors: z.array(scheduledCollector).default([]),
    /**
     * Monorepos: a service deployed from part of a repository claims only the commits that touch
     * its paths (globs), so each service's lead time counts its own changes.
     */
    services: z
      .array(
        z
          .object({
            name: z.string().min(1),
            repo: z
              .string()
              .regex(/^[^\s/]+\/[^\s/]+$/, 'expected "owner/name"')
              .optional(),
            paths: z.array(z.string().min(1)).min(1),
          })
          .strict(),
      )
      .default([]),
    bots: z
      .object({ logins: z.array(z.string()).default([]) })
      .strict()
      .default({ logins: [] }),
    metrics: z
      .object({ thresholds: z.record(z.string(), thresholdSchema).default({}) })
      .strict()
      .default({ thresholds: {} }),
  })
  .strict();

export type Config = z.output<typeof configSchema>;
export type ScheduledCollector = z.output<typeof scheduledCollector>;
export type DoraTierThresholds = z.output<typeof doraTiers>;
