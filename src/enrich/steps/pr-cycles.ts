import type { Store } from '../../store/store.js';
import type { EnrichStep } from '../step.js';

const hours = (a: string, b: string) => `(extract(epoch from (${b} - ${a})) / 3600.0)`;

/**
 * The per-PR cycle breakdown:
 *   coding  first commit → opened
 *   pickup  ready for review (or opened) → first review by someone else
 *   review  first review → first approval
 *   merge   first approval (or first review) → merged
 *   deploy  merged → the first successful production deployment that contains the merge commit
 * The merge commit is the PR's merge_sha, else the commit on the repo that names the PR
 * (squash "(#123)" or "Merge pull request #123"). A phase whose start is unknown stays null.
 * Incremental: only PRs whose row is missing, not yet deployed, or older than the PR's version.
 */
export async function derivePrCycles(store: Store): Promise<number> {
  const stale = `not exists (select 1 from pr_cycles c where c.repo = pr.repo and c.number = pr.number
      and c.deployed_at is not null and c.pr_updated_at is not distinct from pr.updated_at)`;
  return store.transaction(async (tx) => {
    const [{ n } = { n: 0 }] = await tx.query<{ n: number }>(
      `select count(*) as n from pull_requests pr where ${stale}`,
    );
    if (!n) return 0;
    await tx.query(
      `delete from pr_cycles where exists (select 1 from pull_requests pr where pr.repo = pr_cycles.repo and pr.number = pr_cycles.number and ${stale})`,
    );
    await tx.query(`insert into pr_cycles (repo, number, team, author, first_commit_at, opened_at, ready_at, first_review_at,
        approved_at, merged_at, merge_sha, deployment_id, deployed_at, coding_hours, pickup_hours, review_hours, merge_hours,
        deploy_hours, pr_updated_at)
      with prs as (
        select pr.*, coalesce(pr.merge_sha, (select min(c.sha) from commits c where c.repo = pr.repo and c.pr_number = pr.number)) as msha
        from pull_requests pr where ${stale}
      ), shipped as (
        select dc.repo, dc.sha, d.id as deployment_id, coalesce(d.finished_at, d.started_at) as at,
               row_number() over (partition by dc.repo, dc.sha order by coalesce(d.finished_at, d.started_at), d.id) as k
        from deployment_commits dc join deployments d on d.id = dc.deployment_id
        where d.is_production and d.status = 'success' and exists (select 1 from prs where prs.repo = dc.repo and prs.msha = dc.sha)
      )
      select pr.repo, pr.number, coalesce(p.team, r.team), pr.author, pr.first_commit_at, pr.created_at,
        coalesce(pr.ready_at, pr.created_at), pr.first_review_at, pr.first_approval_at, pr.merged_at, pr.msha,
        s.deployment_id, s.at,
        ${hours('pr.first_commit_at', 'pr.created_at')},
        ${hours('coalesce(pr.ready_at, pr.created_at)', 'pr.first_review_at')},
        ${hours('pr.first_review_at', 'pr.first_approval_at')},
        ${hours('coalesce(pr.first_approval_at, pr.first_review_at)', 'pr.merged_at')},
        ${hours('pr.merged_at', 's.at')},
        pr.updated_at
      from prs pr left join people p on p.login = pr.author left join repos r on r.repo = pr.repo
      left join shipped s on s.repo = pr.repo and s.sha = pr.msha and s.k = 1`);
    return n;
  });
}

export const prCycles = {
  id: 'pr-cycles',
  description: 'per pull request: coding, pickup, review, merge and deploy phases',
  reads: ['pull_requests', 'pull_requests.review_facts', 'commits', 'deployment_commits', 'deployments', 'deployments.is_production', 'people', 'repos'],
  writes: ['pr_cycles'],
  run: ({ store }) => derivePrCycles(store),
} satisfies EnrichStep;
