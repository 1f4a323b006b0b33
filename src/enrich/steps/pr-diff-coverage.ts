import { intersect, parseRanges, rangeSize, type Ranges } from '../../domain/line-ranges.js';
import type { Queryable, SqlValue, Store } from '../../store/store.js';
import type { EnrichStep } from '../step.js';

interface MergedPr {
  repo: string;
  number: number;
  merged_at: Date;
  merge_sha: string | null;
  head_sha: string | null;
  added: string | null;
}

interface Report {
  report_id: string;
  repo: string;
  sha: string;
  collected_at: Date;
}

/** left_out: no_report, no_lines, no_coverable_lines (in words: metrics/definitions/coverage.ts). */
const ms = (d: Date | string) => new Date(d).getTime();

/**
 * The report a PR's added lines are measured against: one on its merge commit (its line
 * numbers are those of that tree, exactly), else one on its head commit (CI on the PR's
 * branch; lines moved by what the base gained meanwhile are approximate), else the first report
 * on the repository collected at or after the merge (approximate the same way). Among several
 * on one commit, the latest collected.
 */
function reportFor(pr: MergedPr, bySha: Map<string, Report>, byRepo: Map<string, Report[]>): Report | null {
  for (const s of [pr.merge_sha, pr.head_sha])
    if (s) {
      const r = bySha.get(`${pr.repo}\0${s}`);
      if (r) return r;
    }
  const later = byRepo.get(pr.repo)?.find((r) => ms(r.collected_at) >= ms(pr.merged_at));
  return later ?? null;
}

async function fileLines(
  db: Queryable,
  reportId: string,
): Promise<Map<string, { covered: Ranges; all: Ranges }>> {
  const rows = await db.query<{ path: string; covered_lines: string; uncovered_lines: string }>(
    'select path, covered_lines, uncovered_lines from coverage_files where report_id = $1',
    [reportId],
  );
  const out = new Map<string, { covered: Ranges; all: Ranges }>();
  for (const r of rows) {
    const covered = parseRanges(r.covered_lines);
    const all = [...covered, ...parseRanges(r.uncovered_lines)].sort((a, b) => a[0] - b[0]);
    out.set(r.path, { covered, all });
  }
  return out;
}

/**
 * Per merged PR, the coverage of the lines it added: its merge commit's added lines (for a merge
 * its first-parent diff, which is what the PR brought in; for a squash or rebase the landing
 * commit the PR names) intersected with the report's executable and covered lines. Rebuilt
 * whole each time an input changes (a report collected late moves PRs that looked settled).
 */
export async function derivePrDiffCoverage(store: Store): Promise<number> {
  const prs = await store.query<MergedPr>(`with named as (
      select repo, pr_number, min(sha) as sha from commits where pr_number is not null group by repo, pr_number
    )
    select pr.repo, pr.number, pr.merged_at, coalesce(pr.merge_sha, n.sha) as merge_sha, pr.head_sha, l.added
    from pull_requests pr
    left join named n on n.repo = pr.repo and n.pr_number = pr.number
    left join commit_lines l on l.repo = pr.repo and l.sha = coalesce(pr.merge_sha, n.sha)
    where pr.merged_at is not null`);
  const reports = await store.query<Report>(
    'select report_id, repo, sha, collected_at from coverage_reports order by collected_at, report_id',
  );
  const bySha = new Map<string, Report>();
  const byRepo = new Map<string, Report[]>();
  for (const r of reports) {
    bySha.set(`${r.repo}\0${r.sha}`, r); // ascending: the latest collected wins
    const list = byRepo.get(r.repo) ?? [];
    list.push(r);
    byRepo.set(r.repo, list);
  }
  const files = new Map<string, Awaited<ReturnType<typeof fileLines>>>();
  const rows: SqlValue[][] = [];
  for (const pr of prs) {
    const report = reportFor(pr, bySha, byRepo);
    const base = [pr.repo, pr.number, new Date(pr.merged_at), pr.merge_sha];
    const added = pr.added ? (JSON.parse(pr.added) as Record<string, string>) : {};
    const addedCount = Object.values(added).reduce((n, r) => n + rangeSize(parseRanges(r)), 0);
    if (!report) {
      rows.push([...base, null, null, addedCount, null, null, 'no_report']);
      continue;
    }
    if (!addedCount) {
      rows.push([...base, report.report_id, report.sha, 0, null, null, 'no_lines']);
      continue;
    }
    let lines = files.get(report.report_id);
    if (!lines) files.set(report.report_id, (lines = await fileLines(store, report.report_id)));
    let coverable = 0;
    let covered = 0;
    for (const [path, text] of Object.entries(added)) {
      const f = lines.get(path);
      if (!f) continue;
      const r = parseRanges(text);
      coverable += rangeSize(intersect(r, f.all));
      covered += rangeSize(intersect(r, f.covered));
    }
    rows.push([
      ...base,
      report.report_id,
      report.sha,
      addedCount,
      coverable,
      covered,
      coverable ? null : 'no_coverable_lines',
    ]);
  }
  await store.transaction((tx) =>
    tx.upsert([
      {
        table: 'pr_diff_coverage',
        columns: [
          'repo',
          'number',
          'merged_at',
          'merge_sha',
          'report_id',
          'report_sha',
          'lines_added',
          'lines_coverable',
          'lines_covered',
          'left_out',
        ],
        key: ['repo', 'number'],
        rows,
        replace: true,
      },
    ]),
  );
  return rows.filter((r) => r[9] === null).length;
}

export const prDiffCoverage = {
  id: 'pr-diff-coverage',
  description: 'per merged pull request: the coverage of the lines it added (diff coverage)',
  reads: ['pull_requests', 'commits', 'commit_lines', 'coverage_reports', 'coverage_files'],
  writes: ['pr_diff_coverage'],
  run: ({ store }) => derivePrDiffCoverage(store),
} satisfies EnrichStep;
