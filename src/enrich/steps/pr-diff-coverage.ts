import { intersect, parseRanges, rangeSize, type Ranges } from '../../domain/line-ranges.js';
import type { Queryable, SqlValue, Store } from '../../store/store.js';
import { replaceChanged, storedRows } from '../replace-changed.js';
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

interface FileLines {
  covered: Ranges;
  all: Ranges;
}

/** (report, path) pairs per query: two parameters each, far below either engine's limit. */
const PAIRS_PER_QUERY = 1000;
const pairKey = (reportId: string, path: string) => `${reportId}\0${path}`;

/**
 * The lines of just the files PRs added lines to, a few queries in all. One query per report
 * (its every file) took 80% of a full enrichment of the demo org: 6.7 of 8.4 s.
 */
async function fileLines(db: Queryable, pairs: readonly [string, string][]): Promise<Map<string, FileLines>> {
  const out = new Map<string, FileLines>();
  for (let i = 0; i < pairs.length; i += PAIRS_PER_QUERY) {
    const chunk = pairs.slice(i, i + PAIRS_PER_QUERY);
    const values = chunk.map((_, k) => `($${2 * k + 1}, $${2 * k + 2})`).join(', ');
    const rows = await db.query<{
      report_id: string;
      path: string;
      covered_lines: string;
      uncovered_lines: string;
    }>(
      `select f.report_id, f.path, f.covered_lines, f.uncovered_lines
       from coverage_files f join (values ${values}) as want (report_id, path)
         on f.report_id = want.report_id and f.path = want.path`,
      chunk.flat(),
    );
    for (const r of rows) {
      const covered = parseRanges(r.covered_lines);
      const all = [...covered, ...parseRanges(r.uncovered_lines)].sort((a, b) => a[0] - b[0]);
      out.set(pairKey(r.report_id, r.path), { covered, all });
    }
  }
  return out;
}

interface Plan {
  pr: MergedPr;
  report: Report | null;
  added: (readonly [string, Ranges])[];
  addedCount: number;
}

const COLUMNS = [
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
] as const;

/** One PR's pr_diff_coverage row, in COLUMNS order. */
function diffCoverageRow({ pr, report, added, addedCount }: Plan, files: Map<string, FileLines>): SqlValue[] {
  const base = [pr.repo, pr.number, new Date(pr.merged_at), pr.merge_sha];
  if (!report) return [...base, null, null, addedCount, null, null, 'no_report'];
  if (!addedCount) return [...base, report.report_id, report.sha, 0, null, null, 'no_lines'];
  let coverable = 0;
  let covered = 0;
  for (const [path, r] of added) {
    const f = files.get(pairKey(report.report_id, path));
    if (!f) continue;
    coverable += rangeSize(intersect(r, f.all));
    covered += rangeSize(intersect(r, f.covered));
  }
  return [
    ...base,
    report.report_id,
    report.sha,
    addedCount,
    coverable,
    covered,
    coverable ? null : 'no_coverable_lines',
  ];
}

/**
 * Per merged PR, the coverage of the lines it added: its merge commit's added lines (for a merge
 * its first-parent diff, which is what the PR brought in; for a squash or rebase the landing
 * commit the PR names) intersected with the report's executable and covered lines. Rebuilt
 * whole when a report or the landing commits' lines change (a report collected late moves PRs
 * that looked settled); with `reuse`, a PR whose inputs are as they were keeps its row.
 */
export async function derivePrDiffCoverage(store: Store, reuse = false): Promise<number> {
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
  // First each PR's report and added lines, then the lines of only the files they touch.
  const plans = prs.map((pr): Plan => {
    const added = pr.added ? (JSON.parse(pr.added) as Record<string, string>) : {};
    const addedRanges = Object.entries(added).map(([path, text]) => [path, parseRanges(text)] as const);
    return {
      pr,
      report: reportFor(pr, bySha, byRepo),
      added: addedRanges,
      addedCount: addedRanges.reduce((n, [, r]) => n + rangeSize(r), 0),
    };
  });
  // With the reports and the landing commits' lines unchanged, a PR that still lands the same
  // commit at the same time, measured against the same report, has the row it had: only new or
  // changed PRs read coverage lines (after a small batch that read was most of this step).
  const stored = reuse ? await storedRows(store, 'pr_diff_coverage', COLUMNS) : undefined;
  const kept = new Map((stored ?? []).map((r) => [`${r[0]}\0${r[1]}`, r]));
  const keep = ({ pr, report, addedCount }: Plan) => {
    const row = kept.get(`${pr.repo}\0${pr.number}`);
    return row &&
      ms(row[2] as Date) === ms(pr.merged_at) &&
      row[3] === pr.merge_sha &&
      row[4] === (report?.report_id ?? null) &&
      Number(row[6]) === addedCount
      ? row
      : null;
  };
  const wanted = new Map<string, [string, string]>();
  for (const plan of plans)
    if (plan.report && plan.addedCount && !keep(plan))
      for (const [path] of plan.added)
        wanted.set(pairKey(plan.report.report_id, path), [plan.report.report_id, path]);
  const files = await fileLines(store, [...wanted.values()]);
  const rows: SqlValue[][] = [];
  for (const plan of plans) {
    const row = keep(plan);
    if (row) rows.push(row);
    else rows.push(diffCoverageRow(plan, files));
  }

  await replaceChanged(
    store,
    { table: 'pr_diff_coverage', columns: COLUMNS, key: ['repo', 'number'], rows },
    stored,
  );
  return rows.filter((r) => r[9] === null).length;
}

export const prDiffCoverage = {
  id: 'pr-diff-coverage',
  description: 'per merged pull request: the coverage of the lines it added (diff coverage)',
  reads: ['pull_requests', 'commits', 'commit_lines', 'coverage_reports', 'coverage_files'],
  writes: ['pr_diff_coverage'],
  run: ({ store, changed, full }) =>
    derivePrDiffCoverage(
      store,
      !full && !['commit_lines', 'coverage_reports', 'coverage_files'].some((t) => changed.has(t)),
    ),
} satisfies EnrichStep;
