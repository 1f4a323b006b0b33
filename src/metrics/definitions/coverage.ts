import type { MetricDefinition, QueryParts } from '../registry/types.js';

const GROUPS = ['repo', 'team'] as const;

/** Why a merged PR has no diff coverage (pr_diff_coverage.left_out); counted, never a 0. */
const DIFF_LEFT_OUT = {
  no_report: 'no coverage report on its merge commit, its head commit, or its repository after the merge',
  no_lines: 'its merge commit added no lines, or git was collected without git.added_lines (or not at all)',
  no_coverable_lines:
    'none of the lines it added are executable lines of the report (docs, config, files left out of coverage)',
};

/** Reports in the window, with their repository's team, filtered as asked. */
const reports = (p: QueryParts) => `select * from (
  select r.collected_at as ts, r.report_id, r.repo, rp.team, r.lines_covered, r.lines_total, r.branches_covered, r.branches_total
  from coverage_reports r left join repos rp on rp.repo = r.repo
  where r.collected_at >= $1::timestamp and r.collected_at < $2::timestamp
) x where true${p.where}`;

/**
 * A repository's coverage in a bucket is that of its latest report there (several reports a day
 * would otherwise count one code base several times); a group's is the sum over its
 * repositories' latest reports, so a large code base weighs by its lines, not as one vote.
 */
const latestRate = (covered: string, total: string) => (p: QueryParts) => `with f as (${reports(p)}),
latest as (
  select f.*, row_number() over (partition by ${p.bucket('ts')}, repo order by ts desc, report_id desc) as k
  from f where ${total} > 0
)
select ${p.bucket('ts')} as bucket, ${p.group(p.by ?? 'null')} as grp,
  1.0 * sum(${covered}) / nullif(sum(${total}), 0) as value
from latest where k = 1 group by 1, 2 order by 1, 2`;

const latestExplain = `select r.collected_at as ts, r.report_id, r.sha, r.branch, r.format, r.files,
  r.lines_covered, r.lines_total, r.branches_covered, r.branches_total, r.repo, rp.team
  from coverage_reports r left join repos rp on rp.repo = r.repo
  where r.collected_at >= $1::timestamp and r.collected_at < $2::timestamp`;

export const coverageDefinitions: MetricDefinition[] = [
  {
    name: 'tests.coverage.line_rate',
    version: 1,
    title: 'Line coverage',
    unit: 'ratio',
    description:
      'Executable lines the tests ran over all executable lines, from the latest coverage report of each repository in the bucket (pitwall collect coverage).',
    why: 'Code no test runs can break unnoticed; a falling rate means new code arrives without tests.',
    action:
      'Look at tests.coverage.diff_line_rate first: cover what changes now rather than chasing old code; find the large uncovered files in the latest report.',
    direction: 'higher_is_better',
    thresholds: { green: 0.8, yellow: 0.6 },
    groupBy: GROUPS,
    explain: latestExplain,
    query: latestRate('lines_covered', 'lines_total'),
  },
  {
    name: 'tests.coverage.branch_rate',
    version: 1,
    title: 'Branch coverage',
    unit: 'ratio',
    description:
      'Branches (each way of each condition) the tests took over all branches, from the latest coverage report of each repository in the bucket that counts branches.',
    why: 'Line coverage hides the untested half of an if: errors and edge cases live in the branch not taken.',
    action:
      'Add tests for the error and boundary paths of the files that change most; see the uncovered lines of the latest report.',
    direction: 'higher_is_better',
    thresholds: { green: 0.7, yellow: 0.5 },
    groupBy: GROUPS,
    explain: latestExplain,
    query: latestRate('branches_covered', 'branches_total'),
  },
  {
    name: 'tests.coverage.diff_line_rate',
    version: 1,
    title: 'Diff coverage (lines merged PRs added)',
    unit: 'ratio',
    description:
      'Of the executable lines merged pull requests added (their merge commit’s diff), the share the tests ran, from the report on the merge commit (else its head commit, else the first report after the merge); by merge time, weighted by lines. PRs without a report or without executable added lines are left out and counted.',
    why: 'Whether new code arrives tested, independent of the legacy code’s coverage: the rate you can move this week.',
    action:
      'Ask for tests in review when a PR’s added lines are uncovered; a CI check on diff coverage keeps it up.',
    direction: 'higher_is_better',
    thresholds: { green: 0.8, yellow: 0.6 },
    groupBy: GROUPS,
    facts: `select d.merged_at as ts, d.lines_covered as v, d.lines_coverable as d, d.number as pr, d.merge_sha,
      d.report_sha, d.lines_added, d.repo, rp.team
      from pr_diff_coverage d left join repos rp on rp.repo = d.repo where d.left_out is null`,
    aggregate: '1.0 * sum(v) / nullif(sum(d), 0)',
    leftOut: {
      rows: `select d.merged_at as ts, d.left_out as reason, d.number as pr, d.merge_sha, d.lines_added, d.repo, rp.team
        from pr_diff_coverage d left join repos rp on rp.repo = d.repo where d.left_out is not null`,
      reasons: DIFF_LEFT_OUT,
    },
  },
];
