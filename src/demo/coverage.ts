import type { DemoContext, RepoState } from './context.js';

/**
 * A repository's true line coverage: 55% to 80% by its place in the organisation, so teams
 * differ. Its PRs' added lines are covered around it, its branches 15 points lower.
 */
export const trueLineRate = (st: RepoState) => 0.55 + 0.05 * (st.index % 6);

const clamp = (x: number) => Math.min(1, Math.max(0, x));

/**
 * For a merged PR: the lines its merge commit added (as git.added_lines records them) and the
 * coverage report CI collected on that commit 15 minutes after the merge (when that is inside
 * the demo), whose one file is the PR's. Its own random stream, so the rest of the demo is the
 * same with or without it.
 */
export function mergedPrCoverage(
  ctx: DemoContext,
  st: RepoState,
  pr: { number: number; mergeSha: string; mergedAt: number; additions: number },
): void {
  const rng = ctx.rng.coverage;
  const repo = st.repo.repo;
  const n = Math.min(400, Math.max(1, pr.additions));
  const path = `src/pr-${pr.number}.ts`;
  ctx.emit({ kind: 'commit_lines', repo, sha: pr.mergeSha, added: { [path]: `1-${n}` } });
  const at = pr.mergedAt + 15 * 60_000;
  if (at >= ctx.end) return;
  const rate = trueLineRate(st);
  const covered = Math.round(n * clamp(rate + rng.normal(0, 0.1)));
  const total = 20_000 + 40 * pr.number;
  const branches = Math.round(total / 8);
  const reportId = `demo:${repo}:${pr.mergeSha}`;
  ctx.emit({
    kind: 'coverage_report',
    report_id: reportId,
    repo,
    sha: pr.mergeSha,
    branch: 'main',
    format: 'lcov',
    collected_at: new Date(at),
    files: 1 + Math.round(total / 200),
    lines_covered: Math.round(total * clamp(rate + rng.normal(0, 0.01))),
    lines_total: total,
    branches_covered: Math.round(branches * clamp(rate - 0.15 + rng.normal(0, 0.01))),
    branches_total: branches,
  });
  ctx.emit({
    kind: 'coverage_file',
    report_id: reportId,
    repo,
    sha: pr.mergeSha,
    path,
    lines_covered: covered,
    lines_total: n,
    branches_covered: 0,
    branches_total: 0,
    covered_lines: covered ? `1-${covered}` : '',
    uncovered_lines: covered < n ? `${covered + 1}-${n}` : '',
  });
}
