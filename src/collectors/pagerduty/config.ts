import { z } from 'zod';
import { configSection } from '../../config/sections.js';

/** Incident-system service id (or name) → Pitwall service; unmapped ones keep their name. */
export const serviceMap = z.record(z.string().min(1), z.string().trim().min(1)).default({});

/** The `pagerduty:` section of pitwall.yaml. */
export const pagerdutySection = z
  .object({
    /** REST API v2 base URL; https://api.eu.pagerduty.com for an account in the EU service region. */
    api_url: z.string().url().default('https://api.pagerduty.com'),
    /** PagerDuty service id (PXXXXXX) or name → Pitwall service, e.g. `{ PIKL83L: payments }`. */
    services: serviceMap,
    /** Incidents created this long before the newest already read are listed again (late resolutions). */
    overlap_hours: z.number().nonnegative().default(72),
    /** A first run without --since reads incidents created this many days back. */
    first_run_days: z.number().positive().max(3650).default(90),
    /** Incidents per page (PagerDuty's limit is 100). */
    page_size: z.number().int().min(1).max(100).default(100),
    /**
     * From this many new or changed incidents in one run, their timelines come from the
     * account's log entries (100 a request) instead of one request per incident.
     */
    account_log_entries_from: z.number().int().min(1).default(25),
    /** Signing secret of the v3 webhook subscription; better PITWALL_PAGERDUTY_WEBHOOK_SECRET. */
    webhook_secret: z.string().min(1).nullable().default(null),
  })
  .strict()
  .prefault({});
export type PagerDutyConfig = z.output<typeof pagerdutySection>;

export const pagerdutySettings = configSection('pagerduty', pagerdutySection, {
  PITWALL_PAGERDUTY_WEBHOOK_SECRET: 'webhook_secret',
});

declare module '../../config/schema.js' {
  interface PluginSections {
    pagerduty: PagerDutyConfig;
  }
}

/** The Pitwall service of an incident-system service: by id, then by name, else its name. */
export function mapService(
  map: Readonly<Record<string, string>>,
  id: string | null,
  name: string | null,
): string {
  return (id && map[id]) || (name && map[name]) || name || id || 'unknown';
}
