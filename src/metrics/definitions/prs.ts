import { days, oneBucket, truncTo } from '../registry/fragments.js';
import type { MetricDefinition, QueryParts } from '../registry/types.js';
import { hoursBetween, humanPrs, median, prFacts } from './sql.js';
import { prDuration } from './pr-durations.js';

const GROUPS = ['repo', 'team'] as const;
/** Open PRs as of each bucket's end (or the window's end): a gauge, not a count of events. */
function openAsOf(p: QueryParts, minAgeDays: number): string {
  const points = p.unit
    ? `select least(g.b + ${oneBucket(p.unit)}, $2::timestamp) as asof, g.b as bucket
       from generate_series(${truncTo(p.unit, '$1::timestamp')}, $2::timestamp - interval '1 second', ${oneBucket(p.unit)}) as g(b)`
    : `select $2::timestamp as asof, cast(null as timestamp) as bucket where $1::timestamp < $2::timestamp`;
  return `with points as (${points}), f as (select * from (
  ${humanPrs('pr.created_at, coalesce(pr.merged_at, pr.closed_at) as ended')}
) x where true${p.where})
select pt.bucket, ${p.group(p.by ?? 'null')} as grp, count(f.created_at) as value
from points pt left join f on f.created_at < pt.asof - ${days(minAgeDays)} and (f.ended is null or f.ended >= pt.asof)
group by 1, 2 order by 1, 2`;
}

export const prDefinitions: MetricDefinition[] = [
  {
    name: 'github.prs.merged',
    version: 1,
    title: 'Merged pull requests',
    unit: 'PRs',
    description: 'Pull requests by people (not bots) merged in the window.',
    why: 'Throughput of reviewed changes; read it beside cycle time, never per person.',
    action: 'A drop with steady open PRs means review or CI is the bottleneck.',
    direction: 'higher_is_better',
    groupBy: GROUPS,
    facts: prFacts('pr.merged_at', '1', 'pr.merged_at is not null'),
    aggregate: 'count(*)',
  },
  {
    name: 'github.prs.cycle_time_hours',
    version: 1,
    title: 'PR cycle time (median)',
    unit: 'hours',
    description:
      'Median time from a pull request being opened to being merged, for PRs merged in the window.',
    why: 'The wait a finished change spends in review and CI before it can ship.',
    action:
      'Look at the phase breakdown: pickup (waiting for a reviewer) is usually the largest and cheapest to fix.',
    direction: 'lower_is_better',
    thresholds: { green: 24, yellow: 72 },
    groupBy: GROUPS,
    person: 'author',
    facts: prFacts('pr.merged_at', hoursBetween('pr.created_at', 'pr.merged_at'), 'pr.merged_at is not null'),
    aggregate: median,
  },
  {
    name: 'github.prs.time_to_first_review_hours',
    version: 1,
    title: 'Time to first review (median)',
    unit: 'hours',
    description:
      'Median time from a PR being ready for review (or opened) to its first review by someone else.',
    why: 'Developers blocked on review switch context; long pickup time is the most common flow killer.',
    action: 'Set a team review SLA, use CODEOWNERS rotation, keep PRs small enough to review in one sitting.',
    direction: 'lower_is_better',
    thresholds: { green: 4, yellow: 24 },
    groupBy: GROUPS,
    // The PR's author: lets an experiment compare the PRs of a cohort of people with the rest.
    person: 'author',
    ...prDuration(
      'coalesce(pr.ready_at, pr.created_at)',
      'pr.first_review_at',
      'the wait for a first review',
    ),
    aggregate: median,
  },
  {
    name: 'github.prs.size_lines',
    version: 1,
    title: 'PR size (median lines changed)',
    unit: 'lines',
    description: 'Median additions + deletions of PRs merged in the window.',
    why: 'Large PRs wait longer for review, get shallower reviews and fail more often.',
    action: 'Split work into stacked or feature-flagged PRs under ~400 lines.',
    direction: 'lower_is_better',
    thresholds: { green: 200, yellow: 400 },
    groupBy: GROUPS,
    facts: prFacts('pr.merged_at', 'pr.additions + pr.deletions', 'pr.merged_at is not null'),
    aggregate: median,
  },
  {
    name: 'github.prs.with_review_comments_pct',
    version: 1,
    title: 'PRs with review discussion',
    unit: 'ratio',
    description: 'Share of merged PRs that received at least one review comment.',
    why: 'Rubber-stamp approvals miss defects and spread no knowledge.',
    action:
      'If low, check whether reviews are real; if very high with long cycle times, PRs may be too large.',
    direction: 'higher_is_better',
    thresholds: { green: 0.5, yellow: 0.3 },
    groupBy: GROUPS,
    person: 'author',
    facts: prFacts(
      'pr.merged_at',
      'case when pr.review_comments > 0 then 1.0 else 0.0 end',
      'pr.merged_at is not null',
    ),
    aggregate: 'avg(v)',
  },
  {
    name: 'github.prs.comments_per_pr',
    version: 1,
    title: 'Comments per PR',
    unit: 'comments',
    description: 'Mean number of conversation and review comments on PRs merged in the window.',
    why: 'Depth of review discussion; near zero suggests rubber-stamping.',
    action: 'Pair it with PR size: many comments on large PRs means they should be split.',
    direction: 'higher_is_better',
    groupBy: GROUPS,
    person: 'author',
    facts: prFacts(
      'pr.merged_at',
      'cast(pr.comments + pr.review_comments as double precision)',
      'pr.merged_at is not null',
    ),
    aggregate: 'avg(v)',
  },
  {
    name: 'github.prs.open',
    version: 1,
    title: 'Open pull requests',
    unit: 'PRs',
    description: 'Pull requests by people still open at the end of the window (or of each bucket).',
    why: 'Work in progress: a growing queue means reviews cannot keep up.',
    action: 'Limit WIP: finish and review before starting new work.',
    direction: 'lower_is_better',
    groupBy: GROUPS,
    query: (p) => openAsOf(p, 0),
  },
  {
    name: 'github.prs.stale_count_14d',
    version: 1,
    title: 'Stale pull requests (open > 14 days)',
    unit: 'PRs',
    description: 'Pull requests open for more than 14 days at the end of the window.',
    why: 'Stale PRs rot: conflicts grow and the context is lost.',
    action: 'Close or land them; review the stalest first.',
    direction: 'lower_is_better',
    thresholds: { green: 5, yellow: 20 },
    groupBy: GROUPS,
    query: (p) => openAsOf(p, 14),
  },
];
