import { v1 } from '@datadog/datadog-api-client';
import { datadogConfiguration } from '../../export/datadog/client.js';
import { apiKey, appKey, datadogTarget, targetUrl } from '../../export/datadog/credentials.js';
import type { TargetContext } from '../targets.js';

/**
 * The official client's DashboardsApi for the configured site (or `datadog.api_url`), with
 * DD_API_KEY and DD_APP_KEY (or the key files the `datadog:` section names). A failed call's
 * error names the status and what to check, never a key.
 */
export function dashboardsApi(ctx: TargetContext): { api: v1.DashboardsApi; baseUrl: string } {
  const cfg = ctx.config.datadog;
  const target = datadogTarget(cfg, ctx.env);
  const conf = datadogConfiguration(cfg, target, {
    apiKey: apiKey(cfg, ctx.env, ctx.cwd),
    appKey: appKey(cfg, ctx.env, ctx.cwd),
  });
  return { api: new v1.DashboardsApi(conf), baseUrl: targetUrl(target) };
}

/** The UI address of a dashboard: the API answers with a path (`/dashboard/abc-def-ghi/...`). */
export function dashboardUrl(baseUrl: string, path: string | undefined): string | undefined {
  if (!path) return undefined;
  if (/^https?:\/\//.test(path)) return path;
  return `${baseUrl.replace('://api.', '://app.')}${path}`;
}
