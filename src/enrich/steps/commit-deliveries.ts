import type { Store } from '../../store/store.js';
import type { EnrichStep } from '../step.js';

const deployedAt = 'coalesce(d.finished_at, d.started_at)';

/**
 * Lead time for changes, per commit: its first successful production deployment (in any of the
 * production environments) per service, from deployment_commits. Merge commits carry no change
 * of their own and are left out. Rebuilt whole in one statement: set-based and cheap next to the
 * ancestry walk that feeds it.
 *
 * `left_out` says why a delivery does not count, so explain can list it: `baseline` (shipped by
 * its stream's first deployment, older than dora.first_deployment_credit_hours: history from
 * before Pitwall saw the stream), `negative` (committed after the deployment that shipped it: a
 * wrong clock, never a real lead time of zero or less).
 */
export async function deriveCommitDeliveries(store: Store): Promise<number> {
  return store.transaction(async (tx) => {
    await tx.query(`delete from commit_deliveries`);
    await tx.query(`insert into commit_deliveries (repo, sha, service, team, committed_at, deployment_id, environment, deployed_at, lead_hours, left_out)
      select repo, sha, service, team, committed_at, deployment_id, environment, deployed_at, lead_hours,
        case when baseline then 'baseline' when lead_hours < 0 then 'negative' end from (
        select dc.repo, dc.sha, d.service, r.team, c.committed_at, d.id as deployment_id, d.environment, ${deployedAt} as deployed_at,
          extract(epoch from (${deployedAt} - c.committed_at)) / 3600.0 as lead_hours, coalesce(dc.baseline, false) as baseline,
          row_number() over (partition by dc.repo, dc.sha, d.service order by ${deployedAt}, d.id) as k
        from deployment_commits dc join deployments d on d.id = dc.deployment_id
        join commits c on c.repo = dc.repo and c.sha = dc.sha left join repos r on r.repo = d.repo
        where d.is_production and d.status = 'success' and not c.is_merge
      ) x where k = 1 order by deployed_at`);
    const [row] = await tx.query<{ n: number }>(`select count(*) as n from commit_deliveries`);
    return row?.n ?? 0;
  });
}

export const commitDeliveries = {
  id: 'commit-deliveries',
  description: "each commit's first successful production deployment per service: lead time for changes",
  reads: ['deployment_commits', 'deployments', 'deployments.is_production', 'commits', 'repos'],
  writes: ['commit_deliveries'],
  run: ({ store }) => deriveCommitDeliveries(store),
} satisfies EnrichStep;
