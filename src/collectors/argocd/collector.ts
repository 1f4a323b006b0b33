import { z } from 'zod';
import { invalidArgument } from '../../errors/errors.js';
import type { AnyRecordInput } from '../../domain/records.js';
import type { Collector, CollectContext, CollectBatch, CollectOutcome } from '../collector.js';
import { argoGet } from './client.js';
import { argocdSettings } from './config.js';
import { appList, mapApp, productionEnvironment, statusPoints, type ArgoApp, type MapState } from './map.js';

const options = z
  .object({
    /** The Argo CD server, e.g. https://argocd.example.com (its API is under /api/v1). */
    url: z.string().url(),
  })
  .strict();

export interface ArgoRun {
  host: string;
  /** Read in `prepare`, so a bad token fails before the store is opened. */
  apps: ArgoApp[];
  /** The GitHub collector's `deploy_environment_pattern`: one notion of production-like. */
  production: RegExp;
}

function parseCursor(raw: string | null, logger: CollectContext<ArgoRun>['logger']): MapState | null {
  if (!raw) return null;
  try {
    const c = JSON.parse(raw) as Partial<MapState>;
    if (c && typeof c.seen === 'object' && Array.isArray(c.failed))
      return { seen: c.seen ?? {}, failed: c.failed };
  } catch {
    // fall through: an unreadable cursor means a full read, which the deterministic ids make safe.
  }
  logger.warn({}, 'Argo CD cursor unreadable: reading every application history again');
  return null;
}

async function* collectArgo(
  ctx: CollectContext<ArgoRun>,
): AsyncGenerator<CollectBatch, CollectOutcome, void> {
  const { apps, production, host } = ctx.target;
  const previous = parseCursor(ctx.cursor, ctx.logger);
  const prev: MapState = previous ?? { seen: {}, failed: [] };
  // Only apps present now are kept: Argo CD itself keeps a bounded history per app.
  const next: MapState = { seen: {}, failed: [] };
  const records: AnyRecordInput[] = [];
  let production_apps = 0;
  let skipped = 0;
  for (const app of apps) {
    const env = productionEnvironment(app, production);
    if (!env) continue;
    production_apps++;
    const m = mapApp(app, env, prev);
    records.push(...m.records);
    skipped += m.skipped;
    next.seen[app.metadata.name] = m.historyIds;
    if (m.failedOp) next.failed.push(m.failedOp);
  }
  const deployments = records.length;
  if (skipped) ctx.logger.info({ skipped }, 'Argo CD revisions that are not commit shas were skipped');
  records.push(...statusPoints(apps, new Date().toISOString(), host));
  ctx.progress({ unit: 'applications', done: apps.length });
  if (records.length) yield { records };
  return {
    cursor: JSON.stringify(next),
    facts: {
      incremental: previous !== null,
      applications: apps.length,
      production_apps,
      deployments,
      skipped,
    },
  };
}

export const argocdCollector = {
  id: 'argocd',
  description:
    'deployments (sync history of production-like destinations) and sync/health status from Argo CD',
  configSchema: options,
  settings: argocdSettings,
  async prepare(o, ctx) {
    const token = ctx.env.ARGOCD_TOKEN?.trim();
    if (!token)
      throw invalidArgument(
        'ARGOCD_TOKEN is not set: create a token for an account with read-only access (argocd account generate-token) and export it',
        { field: 'ARGOCD_TOKEN' },
      );
    // eslint-disable-next-line no-control-regex -- a header value cannot hold control characters
    if (/[\u0000-\u001f\u007f]/.test(token))
      throw invalidArgument(
        'ARGOCD_TOKEN holds a line break or another control character: export the token alone, on one line',
        { field: 'ARGOCD_TOKEN' },
      );
    const body = await argoGet(o.url, token, '/api/v1/applications');
    const r = appList.safeParse(body);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw invalidArgument(
        `Argo CD application list was not in the expected shape: ${issue?.message ?? ''} at ${issue?.path.join('.') ?? ''}`,
      );
    }
    const host = new URL(o.url).host;
    return {
      sourceId: `argocd:${host}`,
      target: {
        host,
        apps: r.data.items ?? [],
        production: new RegExp(ctx.config.github.deploy_environment_pattern, 'i'),
      },
    };
  },
  collect: collectArgo,
} satisfies Collector<typeof options, ArgoRun>;
