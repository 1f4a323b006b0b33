import { z } from 'zod';

/** A missing required key says so, with an example, instead of zod's "expected string". */
const required = (example: string) => ({
  error: (iss: { input: unknown }) => (iss.input === undefined ? `required, e.g. ${example}` : undefined),
});

/** An unknown key names the keys the entry takes, so a typo (`timeout`) is one look away. */
const entry = <T extends z.ZodRawShape>(what: string, shape: T) =>
  z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown key ${iss.keys.join(', ')}: ${what} takes ${Object.keys(shape).join(', ')}`
        : undefined,
  });

/** One accepted status: an exact code (204) or a class ("2xx"). */
const statusSpec = z.union([
  z.number().int().min(100).max(599),
  z.string().regex(/^[1-5]xx$/, 'expected a status code such as 200 or a class such as "2xx"'),
]);

export const httpCheck = entry('an http check', {
  /** The tile this check feeds: the `service` tag of its points. */
  service: z.string(required('backstage')).min(1),
  url: z
    .string(required('https://backstage.example.com/healthz'))
    .url()
    .refine((u) => /^https?:$/.test(new URL(u).protocol), 'expected an http:// or https:// URL'),
  /** Statuses that count as up; redirects are not followed, so a 3xx is the answer itself. */
  expect_status: z
    .union([statusSpec, z.array(statusSpec).min(1)])
    .default(['2xx', '3xx'])
    .transform((v) => (Array.isArray(v) ? v : [v])),
  timeout_ms: z.number().int().min(1).max(120_000).default(5000),
  /** Latency at or above which the service is warn (1) or critical (2). */
  warn_ms: z.number().positive().optional(),
  crit_ms: z.number().positive().optional(),
  /** A leaf certificate expiring within this many days is warn; an expired one is critical. */
  cert_warn_days: z.number().nonnegative().default(14),
  /** A PEM file of extra CAs to trust (a private CA), relative to the working directory. */
  ca_file: z.string().min(1).optional(),
}).refine((c) => c.warn_ms === undefined || c.crit_ms === undefined || c.warn_ms <= c.crit_ms, {
  message: 'warn_ms must not be above crit_ms: warn is the lower latency',
  path: ['warn_ms'],
});

export const promqlCheck = entry('a promql check', {
  /** The check's name: the `check` tag of its points. */
  name: z.string().min(1),
  service: z.string().min(1),
  /** Prometheus' root URL (with its path prefix, if any); the query goes to /api/v1/query. */
  prometheus_url: z.string().url(),
  query: z.string().min(1),
  warn: z.number().finite().optional(),
  crit: z.number().finite().optional(),
  /** `above`: a value at or above a threshold is bad (errors, usage); `below`: at or under (free space). */
  direction: z.enum(['above', 'below']).default('above'),
  /** The value's unit, for display (`percent`, `bytes`, `seconds`); kept as a tag. */
  unit: z.string().min(1).optional(),
  /** The name of an environment variable holding a bearer token for Prometheus (never the token). */
  token_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the name of an environment variable, e.g. PROMETHEUS_TOKEN')
    .optional(),
  timeout_ms: z.number().int().min(1).max(120_000).default(10_000),
}).refine(
  (c) =>
    c.warn === undefined ||
    c.crit === undefined ||
    (c.direction === 'above' ? c.warn <= c.crit : c.warn >= c.crit),
  {
    message:
      'warn and crit are in the wrong order for direction: with above, warn <= crit; with below, warn >= crit',
    path: ['warn'],
  },
);

export const healthOptions = z
  .object({
    /** Names this set of checks: its source is `health:<name>` (several jobs can each have one). */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'expected a short lowercase name such as "platform"')
      .default('default'),
    http: z.array(httpCheck).default([]),
    promql: z.array(promqlCheck).default([]),
  })
  .strict()
  .refine((o) => o.http.length + o.promql.length > 0, {
    message:
      'no checks: give at least one entry in http (service, url) or promql (name, service, prometheus_url, query)',
    path: ['http'],
  });

export type HttpCheck = z.output<typeof httpCheck>;
export type PromqlCheck = z.output<typeof promqlCheck>;
export type HealthOptions = z.output<typeof healthOptions>;
