import type { MetricDefinition } from '../registry/types.js';
import { median } from './sql.js';

/** The per-PR cycle breakdown (derived by enrich into pr_cycles), bots excluded; each phase is dated by its end. */
const GROUPS = ['repo', 'team'] as const;
const cycles = (ts: string, v: string) => `select ${ts} as ts, ${v} as v, c.repo, c.team, c.number, c.author
  from pr_cycles c where ${v} is not null and not exists (select 1 from people b where b.login = c.author and b.is_bot)
  and not exists (select 1 from pull_requests pr where pr.repo = c.repo and pr.number = c.number and pr.is_bot)`;

const phase = (
  key: string,
  title: string,
  description: string,
  ts: string,
  why: string,
  action: string,
  thresholds?: { green: number; yellow: number },
): MetricDefinition => ({
  name: `flow.cycle.${key}_hours`,
  version: 1,
  title,
  unit: 'hours',
  description,
  why,
  action,
  direction: 'lower_is_better',
  thresholds,
  groupBy: GROUPS,
  facts: cycles(ts, `c.${key}_hours`),
  aggregate: median,
});

export const flowDefinitions: MetricDefinition[] = [
  phase(
    'coding',
    'Coding time (median)',
    'Median time from a PR’s first commit to the PR being opened, for PRs opened in the window.',
    'c.opened_at',
    'Long coding phases mean big batches: the rest of the pipeline then gets big PRs.',
    'Open draft PRs early and split work behind flags.',
  ),
  phase(
    'pickup',
    'Pickup time (median)',
    'Median time from a PR being ready for review to its first review by someone else (reviews in the window).',
    'c.first_review_at',
    'Waiting for a reviewer is idle time for the author and the most common bottleneck.',
    'Agree a review SLA and rotate reviewers; keep PRs small.',
    { green: 4, yellow: 24 },
  ),
  phase(
    'review',
    'Review time (median)',
    'Median time from the first review to the first approval (approvals in the window).',
    'c.approved_at',
    'Many review rounds point at unclear requirements or oversized PRs.',
    'Pair on complex changes; settle design before the PR.',
    { green: 8, yellow: 24 },
  ),
  phase(
    'merge',
    'Merge time (median)',
    'Median time from approval to merge (merges in the window).',
    'c.merged_at',
    'An approved PR that does not merge waits on CI, queues or manual gates.',
    'Enable auto-merge and a merge queue; speed up the required checks.',
    { green: 2, yellow: 8 },
  ),
  phase(
    'deploy',
    'Deploy time (median)',
    'Median time from merge to the first successful production deployment containing the merge commit.',
    'c.deployed_at',
    'Merged but undeployed code is inventory: risk without value.',
    'Deploy on merge; shrink release trains.',
    { green: 24, yellow: 168 },
  ),
];
