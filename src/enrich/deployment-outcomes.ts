import type { Config } from '../config/schema.js';
import type { SqlValue, Store } from '../store/store.js';
import { productionCondition } from './production.js';

interface Deploy {
  id: string;
  service: string;
  environment: string;
  status: string;
  at: Date;
}

/**
 * Decides, for every production deployment, whether it failed and when service was restored.
 * A deployment failed when its own status says so, an incident names it (caused_by_deployment),
 * an incident on its service without a named cause opened after it within the attribution
 * window and before the next deployment, one of the commits it shipped was reverted later, or
 * the next deployment of the same service shipped a hotfix commit.
 * Restored: when its linked incidents were resolved; otherwise when the next healthy
 * deployment of the same service and environment finished.
 */
export async function deriveDeploymentOutcomes(store: Store, config: Config): Promise<number> {
  const prod = productionCondition(config);
  const deploys = await store.query<Deploy>(
    `select id, service, environment, status, coalesce(finished_at, started_at) as at from deployments
     where ${prod} and status in ('success', 'failure') order by service, environment, coalesce(finished_at, started_at), id`,
  );
  const incidents = await store.query<{
    service: string;
    opened_at: Date;
    resolved_at: Date | null;
    caused_by_deployment: string | null;
  }>(`select service, opened_at, resolved_at, caused_by_deployment from incidents`);
  const reverted = new Set(
    (
      await store.query<{ deployment_id: string }>(
        `select distinct dc.deployment_id from deployment_commits dc
         join commits r on r.repo = dc.repo and r.reverts_sha = dc.sha`,
      )
    ).map((r) => r.deployment_id),
  );
  const withHotfix = new Set(
    (
      await store.query<{ deployment_id: string }>(
        `select distinct dc.deployment_id from deployment_commits dc
         join commits c on c.repo = dc.repo and c.sha = dc.sha where c.is_hotfix`,
      )
    ).map((r) => r.deployment_id),
  );
  const windowMs = config.dora.incident_attribution_hours * 3_600_000;
  const byId = new Map(deploys.map((d) => [d.id, d]));
  const named = new Map<string, Date[]>();
  const unnamedByService = new Map<string, { opened: Date; resolved: Date | null }[]>();
  for (const i of incidents) {
    if (i.caused_by_deployment && byId.has(i.caused_by_deployment)) {
      const list = named.get(i.caused_by_deployment) ?? [];
      if (i.resolved_at) list.push(i.resolved_at);
      named.set(i.caused_by_deployment, list);
    } else if (!i.caused_by_deployment) {
      const list = unnamedByService.get(i.service) ?? [];
      list.push({ opened: i.opened_at, resolved: i.resolved_at });
      unnamedByService.set(i.service, list);
    }
  }

  const rows: SqlValue[][] = [];
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
    let restored: Date | null = null;
    if (d.status === 'failure') reason = 'status';
    else if (named.has(d.id)) reason = 'incident';
    else if (attributed.length) reason = 'incident_attributed';
    else if (reverted.has(d.id)) reason = 'revert';
    else if (next && withHotfix.has(next.id)) reason = 'hotfix';
    if (reason) {
      failedCount++;
      const resolvedTimes =
        reason === 'incident'
          ? named.get(d.id)!
          : attributed.map((i) => i.resolved).filter((x): x is Date => !!x);
      if (reason.startsWith('incident') && resolvedTimes.length)
        restored = new Date(Math.max(...resolvedTimes.map((t) => t.getTime())));
      else {
        for (let j = k + 1; j < deploys.length && sameStream(deploys[j]); j++)
          if (deploys[j]!.status === 'success') {
            restored = deploys[j]!.at;
            break;
          }
      }
    }
    rows.push([d.id, reason !== null, reason, restored]);
  }
  await store.upsert([
    {
      table: 'deployment_outcomes',
      columns: ['deployment_id', 'failed', 'reason', 'restored_at'],
      key: ['deployment_id'],
      rows,
      replace: true,
    },
  ]);
  return failedCount;
}
