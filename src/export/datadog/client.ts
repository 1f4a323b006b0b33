import { client } from '@datadog/datadog-api-client';
import type { DatadogConfig } from './config.js';
import type { DatadogTarget } from './credentials.js';

/**
 * The official client's configuration for a target. Retries are the client's: a 429 or 5xx is
 * retried up to `max_retries` times, waiting the answer's X-RateLimit-Reset seconds when it
 * gives one, else 2 s, 4 s, 8 s ... (its exponential backoff).
 */
export function datadogConfiguration(
  cfg: DatadogConfig,
  target: DatadogTarget,
  keys: { apiKey: string; appKey?: string },
  /** The fetch the client calls (the exporter counts 429s and 5xx below the retries). */
  fetchImpl?: typeof fetch,
): client.Configuration {
  const conf = client.createConfiguration({
    authMethods: { apiKeyAuth: keys.apiKey, ...(keys.appKey ? { appKeyAuth: keys.appKey } : {}) },
    enableRetry: cfg.max_retries > 0,
    maxRetries: cfg.max_retries,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    ...(target.apiUrl ? { baseServer: new client.BaseServerConfiguration(target.apiUrl, {}) } : {}),
  });
  if (target.site) conf.setServerVariables({ site: target.site });
  return conf;
}
