import type { MetricDefinition } from '../registry/types.js';
import { githubCiDefinitions } from './github-ci.js';
import { hoursBetween, humanPrs, median, notBot, pct, prFacts } from './sql.js';
import { prDuration } from './pr-durations.js';

const GROUPS = ['repo', 'team'] as const;

const merged = 'pr.merged_at is not null';
/** The commit that landed the PR (merge, squash or rebase), as the collector linked it. */
const landing = `left join commits lc on lc.repo = pr.repo and lc.sha = pr.merge_sha`;
const mergedWithLanding = (v: string, where: string) =>
  humanPrs(`pr.merged_at as ts, ${v} as v`, `${merged} and ${where}`, landing);
const rate = (cond: string) => `case when ${cond} then 1.0 else 0.0 end`;
const isRevert = `(lower(pr.title) like 'revert%' or lc.reverts_sha is not null)`;

const sum = (
  name: string,
  title: string,
  col: string,
  unit: string,
  description: string,
  why: string,
  action: string,
): MetricDefinition => ({
  name,
  version: 1,
  title,
  unit,
  description,
  why,
  action,
  direction: 'higher_is_better',
  groupBy: GROUPS,
  facts: prFacts('pr.merged_at', col, merged),
  aggregate: 'cast(sum(v) as double precision)',
});

export const githubDefinitions: MetricDefinition[] = [
  {
    name: 'github.prs.opened',
    version: 1,
    title: 'Opened pull requests',
    unit: 'PRs',
    description: 'Pull requests opened by people (not bots) in the window.',
    why: 'Arrival rate of work into review; compared with merged PRs it shows whether the queue grows.',
    action: 'If opened keeps exceeding merged, reviews are the bottleneck: limit WIP.',
    direction: 'higher_is_better',
    groupBy: GROUPS,
    facts: prFacts('pr.created_at', '1'),
    aggregate: 'cast(count(*) as double precision)',
  },
  {
    name: 'github.prs.cycle_time_p90_hours',
    version: 1,
    title: 'PR cycle time (p90)',
    unit: 'hours',
    description: '90th percentile of open-to-merge time for PRs merged in the window.',
    why: 'The PRs that wait longest are the ones developers remember; the median hides them.',
    action: 'Look at the slowest PRs: size, missing reviewers or failing CI are the usual causes.',
    direction: 'lower_is_better',
    thresholds: { green: 72, yellow: 168 },
    groupBy: GROUPS,
    facts: prFacts('pr.merged_at', hoursBetween('pr.created_at', 'pr.merged_at'), merged),
    aggregate: pct(0.9),
  },
  {
    name: 'github.prs.time_to_first_approval_hours',
    version: 1,
    title: 'Time to first approval (median)',
    unit: 'hours',
    description: 'Median time from ready for review (or opened) to the first approval by someone else.',
    why: 'Separates "someone looked" from "someone let it through": long gaps mean many review rounds.',
    action: 'Many rounds on large PRs: split them; on small ones: agree on review standards.',
    direction: 'lower_is_better',
    thresholds: { green: 8, yellow: 48 },
    groupBy: GROUPS,
    ...prDuration(
      'coalesce(pr.ready_at, pr.created_at)',
      'pr.first_approval_at',
      'the wait for a first approval',
    ),
    aggregate: median,
  },
  {
    name: 'github.prs.abandoned_rate',
    version: 1,
    title: 'Abandoned PR rate',
    unit: 'ratio',
    description: 'Share of PRs closed in the window without being merged.',
    why: 'Work thrown away; a high share means unclear requirements or PRs that rot before review.',
    action: 'Review why recent PRs were closed: duplicated work, stale branches or rejected designs.',
    direction: 'lower_is_better',
    thresholds: { green: 0.1, yellow: 0.25 },
    groupBy: GROUPS,
    facts: prFacts('pr.closed_at', rate('pr.merged_at is null'), 'pr.closed_at is not null'),
    aggregate: 'avg(v)',
  },
  {
    name: 'github.reviews.per_pr',
    version: 1,
    title: 'Reviews per merged PR',
    unit: 'reviews',
    description: 'Mean number of reviews by people other than the author on PRs merged in the window.',
    why: 'Review depth: zero means unreviewed merges, many means long back-and-forth.',
    action: 'Zero: require a review on protected branches. Many: smaller PRs and earlier design talks.',
    direction: 'higher_is_better',
    groupBy: GROUPS,
    facts: prFacts(
      'pr.merged_at',
      `(select cast(count(*) as double precision) from reviews rv where rv.repo = pr.repo and rv.pr_number = pr.number and rv.reviewer <> pr.author and ${notBot('rv.reviewer')})`,
      merged,
    ),
    aggregate: 'avg(v)',
  },
  {
    name: 'github.reviews.count',
    version: 1,
    title: 'Reviews submitted',
    unit: 'reviews',
    description:
      'Reviews submitted by people in the window: bots left out (collectors never send self-reviews).',
    why: 'Review load, to compare with PRs opened: who carries it and whether it keeps up.',
    action: 'If reviews lag PRs opened, spread reviewing (CODEOWNERS rotation) before adding process.',
    direction: 'higher_is_better',
    groupBy: GROUPS,
    facts: `select rv.submitted_at as ts, 1 as v, rv.repo, coalesce(p.team, r.team) as team
      from reviews rv left join people p on p.login = rv.reviewer left join repos r on r.repo = rv.repo
      where ${notBot('rv.reviewer')}`,
    aggregate: 'cast(count(*) as double precision)',
  },
  sum(
    'github.code.lines_added',
    'Lines added (merged PRs)',
    'pr.additions',
    'lines',
    'Lines added by PRs merged in the window, as GitHub counts them (the PR diff).',
    'Volume of change reaching the main branch: context for review load and failure rates, never a productivity score.',
    'Spikes are often generated or vendored code: mark it linguist-generated or keep it out of the repository.',
  ),
  sum(
    'github.code.lines_deleted',
    'Lines deleted (merged PRs)',
    'pr.deletions',
    'lines',
    'Lines deleted by PRs merged in the window.',
    'Deleting code is maintenance; a codebase that only grows gets slower to change.',
    'If deletions stay near zero for months, budget time to remove dead code and flags.',
  ),
  sum(
    'github.code.files_changed',
    'Files changed (merged PRs)',
    'pr.changed_files',
    'files',
    'Files changed, summed over PRs merged in the window.',
    'Breadth of change: wide PRs are riskier and harder to review.',
    'A rising files-per-PR ratio suggests changes should be split.',
  ),
  {
    name: 'github.code.reverts',
    version: 1,
    title: 'Reverts',
    unit: 'PRs',
    description:
      'Merged PRs that revert earlier work ("Revert …" title, or a landing commit saying "This reverts commit …").',
    why: 'A revert is a change that failed after landing: a change-failure signal that needs no incident data.',
    action:
      'Look at what was reverted: missing tests, risky rollouts or review gaps; add the check that would have caught it.',
    direction: 'lower_is_better',
    thresholds: { green: 1, yellow: 3 },
    groupBy: GROUPS,
    facts: mergedWithLanding('1', isRevert),
    aggregate: 'cast(count(*) as double precision)',
  },
  {
    name: 'github.code.hotfixes',
    version: 1,
    title: 'Hotfixes',
    unit: 'PRs',
    description:
      'Merged PRs whose title or branch matches git.hotfix_patterns (flagged on their landing commit).',
    why: 'Hotfixes are unplanned repair work; a rising count means defects reach production.',
    action:
      'Review recent hotfixes for a common cause (an untested area, a fragile deploy step) and fix that.',
    direction: 'lower_is_better',
    thresholds: { green: 1, yellow: 3 },
    groupBy: GROUPS,
    facts: mergedWithLanding('1', 'coalesce(lc.is_hotfix, false)'),
    aggregate: 'cast(count(*) as double precision)',
  },
  {
    name: 'github.code.revert_rate',
    version: 1,
    title: 'Revert rate',
    unit: 'ratio',
    description: 'Share of merged PRs that are reverts.',
    why: 'Normalises reverts by throughput, so busy and quiet weeks compare.',
    action: 'Above a few percent: look for the missing safety net (tests, canaries, feature flags).',
    direction: 'lower_is_better',
    thresholds: { green: 0.02, yellow: 0.05 },
    groupBy: GROUPS,
    facts: mergedWithLanding(rate(isRevert), 'true'),
    aggregate: 'avg(v)',
  },
  {
    name: 'github.developers.active',
    version: 1,
    title: 'Active developers',
    unit: 'people',
    description: 'Distinct people (bots excluded) who opened a PR or submitted a review in the window.',
    why: 'The denominator for per-capita rates and a check that activity is not concentrated on a few people.',
    action: 'Few active developers on a critical repository is a bus-factor risk: rotate reviewers, pair.',
    direction: 'higher_is_better',
    groupBy: GROUPS,
    facts: `${humanPrs('pr.created_at as ts, pr.author as v')}
      union all
      select rv.submitted_at as ts, rv.reviewer as v, rv.repo, coalesce(p.team, r.team) as team
        from reviews rv left join people p on p.login = rv.reviewer left join repos r on r.repo = rv.repo
        where ${notBot('rv.reviewer')}`,
    aggregate: 'cast(count(distinct v) as double precision)',
  },
  ...githubCiDefinitions,
];
