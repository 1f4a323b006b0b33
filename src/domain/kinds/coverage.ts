import { z } from 'zod';
import { count, instant, optText, repoName, sha, text } from './common.js';

/** "1-3,7,9-12": ascending, disjoint line ranges (src/domain/line-ranges.ts). */
const lineRanges = z
  .string()
  .regex(/^(\d+(-\d+)?(,\d+(-\d+)?)*)?$/, 'expected line ranges such as "1-3,7,9-12"')
  .default('');

/**
 * One coverage report of one commit: the totals over its files. `report_id` is derived from the
 * repository, the commit and the report's content, so collecting the same files again changes
 * nothing, and a second report of the same commit (another test suite) is a second row.
 */
export const coverageReport = z.object({
  report_id: text,
  repo: repoName,
  sha,
  branch: optText,
  format: z.enum(['lcov', 'cobertura', 'jacoco']),
  /** When the report was written (the report's own timestamp, else the file's time, else `--at`). */
  collected_at: instant,
  files: count,
  lines_covered: count,
  lines_total: count,
  branches_covered: count,
  branches_total: count,
});

/** One source file of a report; `path` is repository-relative (see src/collectors/coverage/paths.ts). */
export const coverageFile = z.object({
  report_id: text,
  repo: repoName,
  sha,
  path: text,
  lines_covered: count,
  lines_total: count,
  branches_covered: count,
  branches_total: count,
  covered_lines: lineRanges,
  uncovered_lines: lineRanges,
});

/**
 * The lines a commit added, per path (its first-parent diff for a merge), as a JSON map of
 * path to line ranges in the commit's own tree. Written by the git collector when
 * `git.added_lines` is on; diff coverage joins them to coverage reports.
 */
export const commitLines = z.object({
  repo: repoName,
  sha,
  added: z
    .record(z.string().min(1), lineRanges)
    .default({})
    .transform((m) => JSON.stringify(m)),
});
