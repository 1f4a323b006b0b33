import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { invalidArgument } from '../../errors/errors.js';
import type { DatadogConfig } from './config.js';
import { SITE_HELP, siteDomain } from './site.js';

export interface DatadogTarget {
  /** The site's domain (`datadoghq.eu`), or null when `api_url` replaces it. */
  site: string | null;
  /** `api_url` when set: every request goes there. */
  apiUrl: string | null;
}

/** Where requests go: `api_url`, else DD_SITE, else `datadog.site`. */
export function datadogTarget(
  cfg: DatadogConfig,
  env: Readonly<Record<string, string | undefined>>,
): DatadogTarget {
  if (cfg.api_url) return { site: null, apiUrl: cfg.api_url.replace(/\/$/, '') };
  const raw = env.DD_SITE?.trim() || cfg.site;
  const site = siteDomain(raw);
  if (!site) throw invalidArgument(`DD_SITE ${JSON.stringify(raw)} is not a Datadog site: use ${SITE_HELP}`);
  return { site, apiUrl: null };
}

/** The base URL requests go to (for messages and dry runs; never carries a key). */
export const targetUrl = (t: DatadogTarget) => t.apiUrl ?? `https://api.${t.site}`;

/**
 * A key from the environment, else from a file (its first line). The key is returned and never
 * put in an error: a missing or empty one names where it was looked for.
 */
function readKey(
  what: string,
  envName: string,
  file: string | undefined,
  fileKey: string,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string | null {
  const fromEnv = env[envName]?.trim();
  if (fromEnv) return fromEnv;
  if (!file) return null;
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    throw invalidArgument(
      `datadog.${fileKey} ${JSON.stringify(file)} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}): point it at a file holding the ${what}, or set ${envName}`,
    );
  }
  const key = text.split(/\r?\n/)[0]?.trim();
  if (!key)
    throw invalidArgument(
      `datadog.${fileKey} ${JSON.stringify(file)} is empty: write the ${what} on its first line`,
    );
  return key;
}

export function apiKey(
  cfg: DatadogConfig,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string {
  const key = readKey('Datadog API key', 'DD_API_KEY', cfg.api_key_file, 'api_key_file', env, cwd);
  if (!key)
    throw invalidArgument(
      'no Datadog API key: set DD_API_KEY, or datadog.api_key_file in pitwall.yaml to a file holding it',
    );
  return key;
}

/** The application key the monitors API needs besides the API key. */
export function appKey(
  cfg: DatadogConfig,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string {
  const key = readKey('Datadog application key', 'DD_APP_KEY', cfg.app_key_file, 'app_key_file', env, cwd);
  if (!key)
    throw invalidArgument(
      'no Datadog application key (the monitors API needs one): set DD_APP_KEY, or datadog.app_key_file in pitwall.yaml',
    );
  return key;
}
