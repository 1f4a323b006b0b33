import { z } from 'zod';
import type { AnyRecordInput } from '../../domain/records.js';
import { gauge } from '../gauge.js';

/**
 * The parts of Argo CD's v1alpha1 Application that Pitwall reads (GET /api/v1/applications);
 * everything else is let through untouched.
 */
export const historyEntry = z
  .object({
    id: z.number().int(),
    revision: z.string().nullish(),
    deployedAt: z.string(),
    deployStartedAt: z.string().nullish(),
  })
  .loose();

export const operationState = z
  .object({
    phase: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullish(),
    message: z.string().nullish(),
    operation: z
      .object({ sync: z.object({ revision: z.string().nullish() }).loose().nullish() })
      .loose()
      .nullish(),
    syncResult: z.object({ revision: z.string().nullish() }).loose().nullish(),
  })
  .loose();

export const argoApp = z
  .object({
    metadata: z.object({ name: z.string().min(1), namespace: z.string().nullish() }).loose(),
    spec: z
      .object({
        source: z.object({ repoURL: z.string().nullish() }).loose().nullish(),
        destination: z
          .object({
            server: z.string().nullish(),
            name: z.string().nullish(),
            namespace: z.string().nullish(),
          })
          .loose(),
      })
      .loose(),
    status: z
      .object({
        sync: z.object({ status: z.string().nullish() }).loose().nullish(),
        health: z.object({ status: z.string().nullish() }).loose().nullish(),
        history: z.array(historyEntry).nullish(),
        operationState: operationState.nullish(),
      })
      .loose()
      .nullish(),
  })
  .loose();
export type ArgoApp = z.output<typeof argoApp>;

/** Argo CD serialises an empty list as a missing `items`. */
export const appList = z.object({ items: z.array(argoApp).nullish() }).loose();

const HEX = /^[0-9a-f]{7,64}$/i;
const FAILED_PHASES = new Set(['Failed', 'Error']);

/** The destination's name that makes it production-like (namespace first, then cluster name), or null. */
export function productionEnvironment(app: ArgoApp, pattern: RegExp): string | null {
  const d = app.spec.destination;
  for (const name of [d.namespace, d.name]) if (name && pattern.test(name)) return name;
  return null;
}

/** "https://github.com/acme/shop.git" or "git@github.com:acme/shop.git" → "acme/shop" (the last two path segments); else null. */
export function repoOf(url: string | null | undefined): string | null {
  if (!url) return null;
  const scp = url.match(/^[^\s/@]+@[^\s/:]+:(.+)$/);
  let path: string;
  if (scp) path = scp[1]!;
  else {
    try {
      path = new URL(url).pathname;
    } catch {
      return null;
    }
  }
  const parts = path
    .replace(/\.git\/?$/, '')
    .split('/')
    .filter(Boolean);
  return parts.length >= 2 ? `${parts.at(-2)}/${parts.at(-1)}` : null;
}

/** Whether the app's last sync operation ended in failure. */
export const lastSyncFailed = (app: ArgoApp) => FAILED_PHASES.has(app.status?.operationState?.phase ?? '');

export const failedOpId = (app: ArgoApp) =>
  `${app.metadata.name}@${app.status?.operationState?.startedAt ?? ''}`;

export interface MapState {
  /** History ids already collected, by app name. */
  seen: Record<string, number[]>;
  /** Failed operations already collected (app@startedAt). */
  failed: string[];
}

/**
 * One app's new deployments: every history entry not seen before is a successful sync of its
 * revision; a last operation that Failed or Errored is a failed deployment. Revisions that are
 * not commit shas (Helm chart versions) are skipped and counted.
 */
export function mapApp(
  app: ArgoApp,
  environment: string,
  prev: MapState,
): { records: AnyRecordInput[]; historyIds: number[]; failedOp: string | null; skipped: number } {
  const name = app.metadata.name;
  const repo = repoOf(app.spec.source?.repoURL);
  const seen = new Set(prev.seen[name] ?? []);
  const records: AnyRecordInput[] = [];
  let skipped = 0;
  const history = app.status?.history ?? [];
  for (const h of history) {
    if (seen.has(h.id)) continue;
    if (!h.revision || !HEX.test(h.revision)) {
      skipped++;
      continue;
    }
    records.push({
      kind: 'deployment',
      id: `argocd:${name}:${h.id}`,
      service: name,
      environment,
      repo,
      sha: h.revision,
      started_at: h.deployStartedAt ?? h.deployedAt,
      finished_at: h.deployedAt,
      status: 'success',
      source: 'argocd',
      source_updated_at: h.deployedAt,
    });
  }
  let failedOp: string | null = null;
  const op = app.status?.operationState;
  if (op && lastSyncFailed(app)) {
    failedOp = failedOpId(app);
    const revision = op.syncResult?.revision ?? op.operation?.sync?.revision ?? null;
    if (!prev.failed.includes(failedOp)) {
      if (revision && HEX.test(revision))
        records.push({
          kind: 'deployment',
          id: `argocd:${name}:op:${op.startedAt}`,
          service: name,
          environment,
          repo,
          sha: revision,
          started_at: op.startedAt,
          finished_at: op.finishedAt ?? null,
          status: 'failure',
          source: 'argocd',
          source_updated_at: op.finishedAt ?? op.startedAt,
        });
      else skipped++;
    }
  }
  return { records, historyIds: history.map((h) => h.id), failedOp, skipped };
}

/** Sync failure rate and healthy-apps share of all apps, sampled at collection time. */
export function statusPoints(apps: ArgoApp[], at: string, instance: string): AnyRecordInput[] {
  if (!apps.length) return [];
  const healthy = apps.filter((a) => a.status?.health?.status === 'Healthy').length;
  const failed = apps.filter(lastSyncFailed).length;
  const tags = { instance };
  const point = (name: string, value: number): AnyRecordInput => gauge(name, value, at, tags);
  return [
    point('argocd.apps.total', apps.length),
    point('argocd.apps.healthy', healthy),
    point('argocd.apps.healthy_share', healthy / apps.length),
    point('argocd.sync.failed_apps', failed),
    point('argocd.sync.failure_rate', failed / apps.length),
  ];
}
