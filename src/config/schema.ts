import { z } from 'zod';

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
    /** How long one read statement may run before it is cancelled (answered 503 query_timeout). */
    read_timeout_ms: z.number().int().min(1).max(3_600_000).default(10_000),
    /** Widest window a read may ask for, after it is cut to the data's own span (wider: 400). */
    max_window_days: z.number().int().min(1).max(3_660_000).default(3660),
    /**
     * Host header names the server answers (DNS rebinding); an entry without a port matches any
     * port, `*` any host. Default: localhost, 127.0.0.1, [::1] and `host` unless it is 0.0.0.0/::.
     */
    allowed_hosts: z
      .array(
        z
          .string()
          .regex(
            /^\*$|^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?\.?)(:\d{1,5})?$/i,
            'expected a host name or address, optionally with :port (e.g. pitwall.example.com, 10.0.0.5:4100, [::1])',
          ),
      )
      .min(1)
      .optional(),
    /** On SIGTERM/SIGINT, how long requests in flight may take to finish before they are cut. */
    drain_timeout_seconds: z.number().min(0).max(3600).default(10),
  })
  .strict()
  .prefault({});

/**
 * A collector the server runs on a cron schedule (5 fields, or 6 with seconds first). Its id and
 * options are checked against the collector registry when the config is composed (compose.ts);
 * the options stay as written, and each run parses them with the collector's own schema.
 */
const scheduledCollector = z
  .object({
    /** A registry collector's id (`pitwall collectors list`). */
    id: z.string().min(1),
    /** Distinguishes two jobs of the same collector; default `<id>#<position>`. */
    name: z.string().min(1).optional(),
    schedule: z.string().min(1),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/**
 * The sections Pitwall itself owns. Plug-ins (collectors, ...) add their own through their
 * registry; src/plugins.ts composes the whole schema, so this file imports no plug-in.
 */
const size = z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, 'expected a size such as 512MB');

export const coreConfigSchema = z
  .object({
    store: z
      .object({
        duckdb_path: z.string().min(1).default('.pitwall/pitwall.duckdb'),
        database_url: z.string().min(1).nullable().default(null),
        duckdb_memory_limit: size.optional(),
        /** DuckDB's memory_limit while a collector's load (JUnit, coverage, surveys) runs: 32MB. */
        duckdb_load_memory_limit: size.optional(),
      })
      .strict()
      .default({ duckdb_path: '.pitwall/pitwall.duckdb', database_url: null }),
    git: z
      .object({
        /** Case-insensitive regular expressions matched against a commit subject or a branch name. */
        hotfix_patterns: z.array(z.string()).default(['^hotfix\\b', '\\bhotfix[:/(]', '\\bhot-fix\\b']),
        /**
         * Read the lines each PR's landing commit added, for diff coverage: a second git pass
         * (`-p -U0`) over those commits only. Off by default: it costs about a fifth more time
         * on a history where one commit in six lands a PR.
         */
        added_lines: z.boolean().default(false),
      })
      .strict()
      .default({ hotfix_patterns: ['^hotfix\\b', '\\bhotfix[:/(]', '\\bhot-fix\\b'], added_lines: false }),
    dora: z
      .object({
        production_environments: z.array(z.string().min(1)).min(1).default(['production', 'prod']),
        /** An incident on a service counts against a deployment opened within this many hours after it. */
        incident_attribution_hours: z.number().positive().default(24),
        /** Which State of DevOps report's clusters grade the tiers (both are always shown by `pitwall dora`). */
        benchmark: z.enum(['2021', '2023']).default('2023'),
        /** Your own tier boundaries, replacing the benchmark's. */
        tiers: doraTiers.optional(),
        /**
         * A stream's first deployment (a service's first to an environment) ships the whole
         * history before it; only the commits made at most this many hours before it count for
         * lead time (0: none, DevLake's rule).
         */
        first_deployment_credit_hours: z
          .number({ error: 'expected a number of hours, e.g. 24' })
          .min(0, 'must be 0 or more hours (0: a first deployment credits no commit)')
          .default(24),
        /**
         * A failed deployment followed within this many minutes by a successful deployment of the
         * same sha to the same service and environment never reached users: no change failure
         * (0: every failed deployment counts).
         */
        retry_window_minutes: z
          .number({ error: 'expected a number of minutes, e.g. 60' })
          .min(0, 'must be 0 or more minutes (0: every failed deployment counts)')
          .default(60),
      })
      .strict()
      .default({
        production_environments: ['production', 'prod'],
        incident_attribution_hours: 24,
        benchmark: '2023',
        first_deployment_credit_hours: 24,
        retry_window_minutes: 60,
      }),
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
    /**
     * What time is worth, for business impact (`pitwall impact`) and ROI: hours saved are
     * multiplied by `developer_hour`, in `currency`. Unset: impact is shown in hours only.
     */
    costs: z
      .object({
        developer_hour: z
          .number({ error: 'expected an amount per hour, e.g. 100' })
          .positive('must be more than 0 (or leave it out: impact is then shown in hours)')
          .nullable()
          .default(null),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as USD or EUR')
          .default('USD'),
        /** What the platform costs a year (people, licences, infrastructure), for ROI and break-even. */
        platform_investment_per_year: z
          .number({ error: 'expected an amount per year, e.g. 480000' })
          .positive('must be more than 0 (or leave it out: ROI then shows value without break-even)')
          .nullable()
          .default(null),
      })
      .strict()
      .default({ developer_hour: null, currency: 'USD', platform_investment_per_year: null }),
    /**
     * k-anonymity: an aggregate over fewer than `min_group_size` people (respondents, authors,
     * developers) is withheld, with the reason, on every surface (API, dashboards, exports,
     * /metrics, reports). Never below 3: smaller groups let a reader infer one person's answer.
     */
    privacy: z
      .object({
        min_group_size: z
          .number({ error: 'expected a whole number of people, e.g. 5' })
          .int('expected a whole number of people, e.g. 5')
          .min(3, 'must be at least 3: smaller groups expose individuals (the default is 5)')
          .default(5),
      })
      .strict()
      .default({ min_group_size: 5 }),
  })
  .strict();

/**
 * The plug-ins' sections of the config, by key. Each plug-in declares its own here by
 * declaration merging (`declare module '.../config/schema.js' { interface PluginSections {...} }`,
 * next to its section's schema), so `Config` types them without config/ importing a plug-in;
 * src/plugins.ts proves at compile time that the registry contributes exactly these sections.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface PluginSections {}

export type CoreConfig = z.output<typeof coreConfigSchema>;
export type Config = CoreConfig & PluginSections;

/**
 * @deprecated The core sections only, typed as the whole config: plug-in sections (`github:`)
 * are refused in input and absent from the output. Use `configSchema` from src/plugins.ts.
 * Kept for tests of core code that parse a config by hand.
 */
export const configSchema = coreConfigSchema as unknown as z.ZodType<
  Config,
  z.input<typeof coreConfigSchema>
>;
export type ScheduledCollector = z.output<typeof scheduledCollector>;
export type DoraTierThresholds = z.output<typeof doraTiers>;
