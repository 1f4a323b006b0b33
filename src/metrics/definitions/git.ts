import type { MetricDefinition } from '../registry/types.js';
import { median, notBot } from './sql.js';

const GROUPS = ['repo', 'team'] as const;

/**
 * Commits with their repository and team. Team is the author's team (people.team) and,
 * when the author has none, the repository's (repos.team): the same rule as the PR metrics,
 * so a team's numbers line up across git and GitHub.
 *
 * Commits are dated by `committed_at`, when the change landed on a branch (a rebase or a
 * squash moves it), not when its first line was written.
 *
 * `not c.is_merge` matters for sizes: a merge commit carries its first-parent diff (what the
 * merged branch brought in), so counting merges too would count every merged line twice.
 */
const commits = (
  v: string,
  where = 'true',
) => `select c.committed_at as ts, ${v} as v, c.repo, coalesce(p.team, r.team) as team
  from commits c left join people p on p.login = c.author left join repos r on r.repo = c.repo
  where ${where}`;

/**
 * One row per pull request: the commit that merged it (merge button) or squashed it
 * ("Title (#123)"). Should a PR number appear on more than one commit (a cherry-pick that
 * kept the subject), the first to land counts.
 */
const prLandings = `select ts, v, repo, team from (
  select c.committed_at as ts, c.additions + c.deletions as v, c.repo, coalesce(p.team, r.team) as team,
    row_number() over (partition by c.repo, c.pr_number order by c.committed_at, c.sha) as n
  from commits c left join people p on p.login = c.author left join repos r on r.repo = c.repo
  where c.pr_number is not null
) landed where n = 1`;

const rate = (cond: string) => `case when ${cond} then 1.0 else 0.0 end`;

export const gitDefinitions: MetricDefinition[] = [
  {
    name: 'git.commits.count',
    version: 1,
    title: 'Commits',
    unit: 'commits',
    description: 'Commits landed in the window, merge commits excluded (they add no work of their own).',
    why: 'A coarse activity signal; read it beside PR and deployment counts, never per person.',
    action: 'A sudden drop usually means work is stuck elsewhere (review, CI, a freeze): look there first.',
    direction: 'higher_is_better',
    groupBy: GROUPS,
    facts: commits('1', 'not c.is_merge'),
    aggregate: 'cast(count(*) as double precision)',
  },
  {
    name: 'git.lines.added',
    version: 1,
    title: 'Lines added',
    unit: 'lines',
    description:
      'Lines added by non-merge commits in the window (merges excluded so merged lines count once).',
    why: 'The volume of change, context for review load and for change-failure rates; not a productivity score.',
    action:
      'Large spikes are often generated or vendored code: exclude it from review load or from the repo.',
    direction: 'higher_is_better',
    groupBy: GROUPS,
    facts: commits('c.additions', 'not c.is_merge'),
    aggregate: 'cast(sum(v) as double precision)',
  },
  {
    name: 'git.lines.deleted',
    version: 1,
    title: 'Lines deleted',
    unit: 'lines',
    description:
      'Lines deleted by non-merge commits in the window (merges excluded so merged lines count once).',
    why: 'Deleting code is maintenance; a codebase that only grows gets slower to change.',
    action: 'If deletions stay near zero for months, budget time for removing dead code and flags.',
    direction: 'higher_is_better',
    groupBy: GROUPS,
    facts: commits('c.deletions', 'not c.is_merge'),
    aggregate: 'cast(sum(v) as double precision)',
  },
  {
    name: 'git.files.changed',
    version: 1,
    title: 'Files changed',
    unit: 'files',
    description:
      'File changes summed over non-merge commits in the window (a file touched by two commits counts twice; binary files count).',
    why: 'Breadth of change: many files per commit means wide, riskier changes.',
    action: 'Compare with commits: a rising files-per-commit ratio suggests changes should be split.',
    direction: 'higher_is_better',
    groupBy: GROUPS,
    facts: commits('c.files', 'not c.is_merge'),
    aggregate: 'cast(sum(v) as double precision)',
  },
  {
    name: 'git.contributors.active',
    version: 1,
    title: 'Active contributors',
    unit: 'people',
    description: 'Distinct commit authors (by email) in the window, bots excluded; merges count as activity.',
    why: 'Shows who actually changes a codebase: one active contributor is a bus-factor risk.',
    action: 'Few contributors on a critical repository: pair, rotate reviewers and document ownership.',
    direction: 'higher_is_better',
    groupBy: GROUPS,
    facts: commits('c.author', notBot('c.author')),
    aggregate: 'cast(count(distinct v) as double precision)',
  },
  {
    name: 'git.prs.size_lines',
    version: 1,
    title: 'PR size from git (median lines changed)',
    unit: 'lines',
    description:
      'Median additions + deletions of pull requests landed in the window, read from the merge commit (first-parent diff) or the squash commit.',
    why: 'Large changes wait longer for review, get shallower reviews and fail more often; works without GitHub access.',
    action: 'Split work into stacked or feature-flagged changes under ~400 lines.',
    direction: 'lower_is_better',
    thresholds: { green: 200, yellow: 400 },
    groupBy: GROUPS,
    facts: prLandings,
    aggregate: median,
  },
  {
    name: 'git.commits.revert_rate',
    version: 1,
    title: 'Revert rate',
    unit: 'ratio',
    description:
      'Share of non-merge commits in the window that revert another commit ("This reverts commit ...").',
    why: 'Reverts are changes that failed after landing: a proxy for change failure that needs no incident data.',
    action:
      'Look at what was reverted: missing tests, risky deploys or review gaps; add a check that would have caught it.',
    direction: 'lower_is_better',
    thresholds: { green: 0.02, yellow: 0.05 },
    groupBy: GROUPS,
    facts: commits(rate('c.reverts_sha is not null'), 'not c.is_merge'),
    aggregate: 'avg(v)',
  },
  {
    name: 'git.commits.hotfix_rate',
    version: 1,
    title: 'Hotfix rate',
    unit: 'ratio',
    description:
      'Share of commits in the window flagged as hotfixes by git.hotfix_patterns (subject, or the merged branch of a merge); merges count, because a merged hotfix branch is flagged on its merge.',
    why: 'Hotfixes are unplanned repair work; a rising share means quality problems are reaching production.',
    action: 'Review recent hotfixes for a common cause (an untested area, a flaky deploy step) and fix that.',
    direction: 'lower_is_better',
    thresholds: { green: 0.05, yellow: 0.1 },
    groupBy: GROUPS,
    facts: commits(rate('c.is_hotfix')),
    aggregate: 'avg(v)',
  },
  {
    name: 'git.commits.weekly_velocity',
    version: 1,
    title: 'Commits per week',
    unit: 'commits/week',
    description: 'Non-merge commits per week over the window (or each bucket), whatever its length.',
    why: 'Normalises commit counts across windows of different lengths so trends compare fairly.',
    action:
      'Read as a trend beside PR throughput; a fall with steady headcount points at friction worth a survey.',
    direction: 'higher_is_better',
    groupBy: GROUPS,
    facts: commits('1', 'not c.is_merge'),
    aggregate: 'cast(cast(count(*) as double precision) * 7.0 / {period_days} as double precision)',
  },
];
