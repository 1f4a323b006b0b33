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
 * (squash "(#123)" or "Merge pull request #123"). A phase whose start is unknown stays null;
 * a negative one is kept as it is (the metrics leave it out and count it). `deploy_baseline`:
 * the merge commit shipped only as its stream's baseline, so its deploy time is unknown.
 * Rebuilt whole, in one statement, each time an input changed: a deployment recorded late (a
 * backfill) or leaving production moves PRs that looked settled, so no PR can be skipped.
 */
export async function derivePrCycles(store: Store): Promise<number> {
  return store.transaction(async (tx) => {
    await tx.query(`delete from pr_cycles`);
    await tx.query(`insert into pr_cycles (repo, number, team, author, first_commit_at, opened_at, ready_at, first_review_at,
        approved_at, merged_at, merge_sha, deployment_id, deployed_at, coding_hours, pickup_hours, review_hours, merge_hours,
        deploy_hours, pr_updated_at, deploy_baseline)
      with named as (
        select repo, pr_number, min(sha) as sha from commits where pr_number is not null group by repo, pr_number
      ), prs as (
        select pr.*, coalesce(pr.merge_sha, n.sha) as msha
        from pull_requests pr left join named n on n.repo = pr.repo and n.pr_number = pr.number
      ), shipped as (
        select dc.repo, dc.sha, d.id as deployment_id, coalesce(d.finished_at, d.started_at) as at,
               coalesce(dc.baseline, false) as baseline,
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
        pr.updated_at, s.baseline
      from prs pr left join people p on p.login = pr.author left join repos r on r.repo = pr.repo
      left join shipped s on s.repo = pr.repo and s.sha = pr.msha and s.k = 1`);
    const [row] = await tx.query<{ n: number }>(`select count(*) as n from pr_cycles`);
    return Number(row?.n ?? 0);
  });
}

export const prCycles = {
  id: 'pr-cycles',
  description: 'per pull request: coding, pickup, review, merge and deploy phases',
  reads: [
    'pull_requests',
    'pull_requests.first_review_at',
    'pull_requests.first_approval_at',
    'commits',
    'deployment_commits',
    'deployments',
    'deployments.is_production',
    'people',
    'repos',
  ],
  writes: ['pr_cycles'],
  run: ({ store }) => derivePrCycles(store),
} satisfies EnrichStep;
