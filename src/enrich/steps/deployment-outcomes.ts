import type { Config } from '../../config/schema.js';
import type { SqlValue, Store } from '../../store/store.js';
import type { EnrichStep } from '../step.js';
import { retriedAttempts, type Deploy } from './retried-attempts.js';

type Inc = { id: string; opened: Date; resolved: Date | null };

/**
 * Decides, for every production deployment, whether it failed and when service was restored.
 * A deployment failed when its own status says so, an incident names it (caused_by_deployment),
 * an incident on its service without a named cause opened after it within the attribution
 * window and before the next deployment, one of the commits it shipped was reverted later, or
 * the next deployment of the same service shipped a hotfix commit. Commits a stream's first
 * deployment shipped only as its baseline (deployment_commits.baseline) are no evidence.
 * Restored: when its linked incidents were resolved (a failed status with incidents after it
 * included: they are what users saw); otherwise when the next healthy deployment of the same
 * service and environment finished.
 * A failed attempt retried within dora.retry_window_minutes never reached users: it is left out
 * (`left_out = 'retried'`, evidence the retry) and does not end the deployment before it.
 */
export async function deriveDeploymentOutcomes(store: Store, config: Config): Promise<number> {
  const all = await store.query<Deploy>(
    `select id, service, environment, sha, status, started_at as started, coalesce(finished_at, started_at) as at
     from deployments where is_production and status in ('success', 'failure')
     order by service, environment, coalesce(finished_at, started_at), id`,
  );
  const incidents = await store.query<{
    id: string;
    service: string;
    opened_at: Date;
    resolved_at: Date | null;
    caused_by_deployment: string | null;
  }>(
    `select id, service, opened_at, resolved_at, caused_by_deployment from incidents order by opened_at, id`,
  );
  /** deployment id → the shas that show it: reverted commits it shipped, hotfix commits it shipped. */
  const evidenceMap = async (sql: string) => {
    const m = new Map<string, string[]>();
    for (const r of await store.query<{ deployment_id: string; sha: string }>(sql)) {
      const list = m.get(r.deployment_id) ?? [];
      list.push(r.sha);
      m.set(r.deployment_id, list);
    }
    return m;
  };
  const credited = 'not coalesce(dc.baseline, false)';
  const reverted = await evidenceMap(
    `select distinct dc.deployment_id, dc.sha from deployment_commits dc
     join commits r on r.repo = dc.repo and r.reverts_sha = dc.sha where ${credited} order by 1, 2`,
  );
  const withHotfix = await evidenceMap(
    `select distinct dc.deployment_id, dc.sha from deployment_commits dc
     join commits c on c.repo = dc.repo and c.sha = dc.sha where c.is_hotfix and ${credited} order by 1, 2`,
  );
  const windowMs = config.dora.incident_attribution_hours * 3_600_000;
  const byId = new Map(all.map((d) => [d.id, d]));
  const named = new Map<string, Inc[]>();
  const unnamedByService = new Map<string, Inc[]>();
  for (const i of incidents) {
    const inc = { id: i.id, opened: i.opened_at, resolved: i.resolved_at };
    if (i.caused_by_deployment && byId.has(i.caused_by_deployment)) {
      named.set(i.caused_by_deployment, [...(named.get(i.caused_by_deployment) ?? []), inc]);
    } else if (!i.caused_by_deployment) {
      unnamedByService.set(i.service, [...(unnamedByService.get(i.service) ?? []), inc]);
    }
  }
  const retried = retriedAttempts(all, config.dora.retry_window_minutes * 60_000, new Set(named.keys()));
  const rows: SqlValue[][] = [...retried].map(([id, retry]) => [id, false, null, retry, null, 'retried']);
  const deploys = all.filter((d) => !retried.has(d.id));

  let failedCount = 0;
  for (let k = 0; k < deploys.length; k++) {
    const d = deploys[k]!;
    const sameStream = (x: Deploy | undefined) =>
      x && x.service === d.service && x.environment === d.environment;
    const next = sameStream(deploys[k + 1]) ? deploys[k + 1] : undefined;
    const windowEnd = Math.min(d.at.getTime() + windowMs, next ? next.at.getTime() : Infinity);
    const attributed = (unnamedByService.get(d.service) ?? []).filter(
      (i) => i.opened.getTime() >= d.at.getTime() && i.opened.getTime() < windowEnd,
    );
    let reason: string | null = null;
    let linked: Inc[] = [];
    let evidence: string[] = [];
    if (d.status === 'failure') {
      // Incidents after a failed deployment are its consequence: its evidence and its restore.
      [reason, linked] = ['status', [...(named.get(d.id) ?? []), ...attributed]];
      evidence = linked.map((i) => i.id);
    } else if (named.has(d.id)) [reason, linked] = ['incident', named.get(d.id)!];
    else if (attributed.length) [reason, linked] = ['incident_attributed', attributed];
    else if (reverted.has(d.id)) [reason, evidence] = ['revert', reverted.get(d.id)!];
    else if (next && withHotfix.has(next.id)) [reason, evidence] = ['hotfix', withHotfix.get(next.id)!];
    if (reason === 'incident' || reason === 'incident_attributed') evidence = linked.map((i) => i.id);
    let restored: Date | null = null;
    if (reason) {
      failedCount++;
      const resolvedTimes = linked.map((i) => i.resolved).filter((x): x is Date => !!x);
      if (linked.length && resolvedTimes.length === linked.length)
        restored = new Date(Math.max(...resolvedTimes.map((t) => t.getTime())));
      else if (!linked.length) {
        for (let j = k + 1; j < deploys.length && sameStream(deploys[j]); j++)
          if (deploys[j]!.status === 'success') {
            restored = deploys[j]!.at;
            break;
          }
      }
    }
    rows.push([d.id, reason !== null, reason, evidence.length ? evidence.join(' ') : null, restored, null]);
  }
  await store.upsert([
    {
      table: 'deployment_outcomes',
      columns: ['deployment_id', 'failed', 'reason', 'evidence', 'restored_at', 'left_out'],
      key: ['deployment_id'],
      rows,
      replace: true,
    },
  ]);
  return failedCount;
}

export const deploymentOutcomes = {
  id: 'deployment-outcomes',
  description: 'whether each production deployment failed, why, and when service was restored',
  reads: [
    'deployments',
    'deployments.is_production',
    'incidents',
    'deployment_commits',
    'commits',
    'commits.is_hotfix',
  ],
  writes: ['deployment_outcomes'],
  config: (c) => ({
    incident_attribution_hours: c.dora.incident_attribution_hours,
    retry_window_minutes: c.dora.retry_window_minutes,
  }),
  run: ({ store, config }) => deriveDeploymentOutcomes(store, config),
} satisfies EnrichStep;
