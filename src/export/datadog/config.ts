import { z } from 'zod';
import { configSection } from '../../config/sections.js';
import { checkPrefix } from './names.js';
import { SITE_HELP, siteDomain } from './site.js';

/** What a gzip-compressed v2 series request may hold once decompressed (the API's limit is 5 MB). */
export const MAX_DECOMPRESSED_BYTES = 5_242_880;
/** And compressed (500 KB). */
export const MAX_COMPRESSED_BYTES = 512_000;

/**
 * The `datadog:` section of pitwall.yaml. No secret lives here: the API key comes from
 * DD_API_KEY or the file `api_key_file` names (a mounted Kubernetes secret), the application
 * key (monitors) from DD_APP_KEY or `app_key_file`; the site from DD_SITE or `site`.
 */
export const datadogSection = z
  .object({
    site: z
      .string()
      .refine((s) => siteDomain(s) !== null, `expected a Datadog site: ${SITE_HELP}`)
      .default('us1'),
    api_key_file: z.string().min(1).optional(),
    app_key_file: z.string().min(1).optional(),
    /** Another API root (a proxy, or a Datadog-compatible endpoint); overrides `site`. */
    api_url: z.url({ protocol: /^https?$/ }).optional(),
    /** A namespace before every metric name (e.g. `pitwall`); default none. */
    prefix: z
      .string()
      .refine((p) => {
        try {
          checkPrefix(p);
          return true;
        } catch {
          return false;
        }
      }, 'expected lowercase letters, digits, "_" and ".", starting with a letter (e.g. pitwall)')
      .optional(),
    /** Tags on every series, e.g. ["env:prod"]. */
    tags: z
      .array(z.string().regex(/^[a-z][a-z0-9_\-:./]*$/, 'expected a lowercase key:value tag, e.g. env:prod'))
      .default([]),
    /** Decompressed bytes per request at most (lower it to send smaller requests). */
    max_payload_bytes: z
      .number()
      .int()
      .min(10_000)
      .max(MAX_DECOMPRESSED_BYTES)
      .default(MAX_DECOMPRESSED_BYTES),
    /** Retries of a 429 or 5xx answer (the client backs off, or waits X-RateLimit-Reset). */
    max_retries: z.number().int().min(0).max(10).default(3),
  })
  .strict()
  .prefault({});
export type DatadogConfig = z.output<typeof datadogSection>;

export const datadogSettings = configSection('datadog', datadogSection);

declare module '../../config/schema.js' {
  interface PluginSections {
    datadog: DatadogConfig;
  }
}
