-- Issue 10: test coverage. One row per report (its totals) and per source file of a report,
-- with the covered and uncovered lines as ranges ("1-3,7"), so diff coverage can be computed.
create table coverage_reports (
  report_id text primary key,
  repo text not null,
  sha text not null,
  branch text,
  format text not null,
  collected_at timestamp not null,
  files integer not null,
  lines_covered integer not null,
  lines_total integer not null,
  branches_covered integer not null,
  branches_total integer not null
);
/* postgres only */ create index coverage_reports_repo_sha on coverage_reports (repo, sha);
create table coverage_files (
  report_id text not null,
  repo text not null,
  sha text not null,
  path text not null,
  lines_covered integer not null,
  lines_total integer not null,
  branches_covered integer not null,
  branches_total integer not null,
  covered_lines text not null,
  uncovered_lines text not null,
  primary key (report_id, path)
);
-- The lines each commit added, per path (JSON map of path to ranges), from the git collector
-- when git.added_lines is on. Its own table: the GitHub collector also writes commits rows and
-- must not clear them.
create table commit_lines (
  repo text not null,
  sha text not null,
  added text not null,
  primary key (repo, sha)
);
-- Derived (enrichment step pr-diff-coverage): per merged PR, the coverage of the lines its
-- merge commit added (its first-parent diff), from the report on that commit or the nearest
-- later one on the repository. left_out says why a PR has no rate (no_report, no_lines,
-- no_coverable_lines); such PRs are counted, never zero.
create table pr_diff_coverage (
  repo text not null,
  number integer not null,
  merged_at timestamp not null,
  merge_sha text,
  report_id text,
  report_sha text,
  lines_added integer,
  lines_coverable integer,
  lines_covered integer,
  left_out text,
  primary key (repo, number)
)
