import type { MetricDefinition } from '../registry/types.js';
import { countedDuration, negativeDuration, RULES } from './left-out.js';
import { median, notBot } from './sql.js';

/** The per-PR cycle breakdown (derived by enrich into pr_cycles), bots excluded; each phase is dated by its end. */
const GROUPS = ['repo', 'team'] as const;
const cycles = (
  ts: string,
  v: string,
  keep: string,
  reason = '',
) => `select ${ts} as ts, ${reason}${v} as v, c.repo, c.team, c.number, c.author
  from pr_cycles c where ${v} is not null and ${keep} and ${notBot('c.author')}`;
/** A PR shipped only as its stream's baseline has no deploy time of its own. */
const baselineOf = (key: string) => (key === 'deploy' ? 'coalesce(c.deploy_baseline, false)' : 'false');

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
  facts: cycles(ts, `c.${key}_hours`, `${countedDuration(`c.${key}_hours`)} and not ${baselineOf(key)}`),
  aggregate: median,
  leftOut: {
    rows: cycles(
      ts,
      `c.${key}_hours`,
      `(${negativeDuration(`c.${key}_hours`)} or ${baselineOf(key)})`,
      `case when ${baselineOf(key)} then 'baseline' else 'negative' end as reason, `,
    ),
    reasons: {
      negative: RULES.negative(`the ${key} phase`),
      ...(key === 'deploy' ? { baseline: RULES.baseline() } : {}),
    },
  },
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
