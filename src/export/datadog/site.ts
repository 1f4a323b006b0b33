/**
 * Datadog sites (https://docs.datadoghq.com/getting_started/site/): the site's domain is what
 * the official client's `site` server variable takes; the API is `https://api.<domain>`.
 */
export const DATADOG_SITES = {
  us1: 'datadoghq.com',
  eu: 'datadoghq.eu',
  us3: 'us3.datadoghq.com',
  us5: 'us5.datadoghq.com',
  ap1: 'ap1.datadoghq.com',
  gov: 'ddog-gov.com',
} as const;

const DOMAINS: readonly string[] = Object.values(DATADOG_SITES);

/** A site by its short name (`eu`) or domain (`datadoghq.eu`, also `app.datadoghq.eu`); null if unknown. */
export function siteDomain(site: string): string | null {
  const s = site.trim().toLowerCase();
  if (s in DATADOG_SITES) return DATADOG_SITES[s as keyof typeof DATADOG_SITES];
  const bare = s
    .replace(/^https?:\/\//, '')
    .replace(/^(api|app)\./, '')
    .replace(/\/$/, '');
  return DOMAINS.includes(bare) ? bare : null;
}

export const SITE_HELP = `one of ${Object.entries(DATADOG_SITES)
  .map(([k, v]) => `${k} (${v})`)
  .join(', ')}`;
