import { z } from 'zod';
import { configSection } from '../../config/sections.js';
import { serviceMap } from '../pagerduty/config.js';

/** Opsgenie's two API instances: an account lives in one. */
export const OPSGENIE_API = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' } as const;

/** The `opsgenie:` section of pitwall.yaml. */
export const opsgenieSection = z
  .object({
    /** Which instance the account lives in (us: api.opsgenie.com, eu: api.eu.opsgenie.com). */
    region: z.enum(['us', 'eu']).default('us'),
    /** Overrides `region` (a proxy, a test server). */
    api_url: z.string().url().nullable().default(null),
    /** Opsgenie service id or name (an incident's impactedServices) → Pitwall service. */
    services: serviceMap,
    /** Team id or name → Pitwall service, for incidents that name no impacted service. */
    teams: serviceMap,
    /** Incidents created this long before the newest already read are listed again. */
    overlap_hours: z.number().nonnegative().default(72),
    first_run_days: z.number().positive().max(3650).default(90),
    /** Incidents per page (Opsgenie's limit is 100). */
    page_size: z.number().int().min(1).max(100).default(100),
    /** Read each new or changed incident's timeline (for the acknowledgement time). */
    timeline: z.boolean().default(true),
    /**
     * Shared secret of the outgoing webhook (Opsgenie cannot sign its payload): sent as a custom
     * header or in the URL's basic auth. Better PITWALL_OPSGENIE_WEBHOOK_TOKEN than a file.
     */
    webhook_token: z.string().min(16).nullable().default(null),
  })
  .strict()
  .prefault({});
export type OpsgenieConfig = z.output<typeof opsgenieSection>;

export const opsgenieSettings = configSection('opsgenie', opsgenieSection, {
  PITWALL_OPSGENIE_WEBHOOK_TOKEN: 'webhook_token',
});

declare module '../../config/schema.js' {
  interface PluginSections {
    opsgenie: OpsgenieConfig;
  }
}
