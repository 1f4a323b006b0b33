import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { repoName, sha } from '../../domain/kinds/common.js';
import type { RecordInput } from '../../domain/records.js';
import { instant } from '../../domain/time.js';
import { invalidArgument } from '../../errors/errors.js';
import type { Collector } from '../collector.js';
import { gitDefaults } from './git-defaults.js';
import { JVM_SOURCE_ROOTS } from './paths.js';
import { FORMATS, readCoverage, type ReadCoverage } from './report.js';

const options = z
  .object({
    /** Report files, relative to `cwd`. */
    paths: z.array(z.string().min(1)).min(1),
    format: z.enum(FORMATS),
    cwd: z.string().default('.'),
    /** Defaults from the git repository around `cwd`: origin's owner/name, HEAD, its branch. */
    repo: repoName.optional(),
    sha: sha.optional(),
    branch: z.string().trim().min(1).optional(),
    /** The repository's root on this machine, which report paths are made relative to (default: git's top level, else cwd). */
    root: z.string().min(1).optional(),
    /** Folders (relative to the root) JaCoCo's package paths are looked for under. */
    source_roots: z.array(z.string()).optional(),
    at: instant.optional(),
  })
  .strict();

export interface CoverageTarget {
  report: RecordInput<'coverage_report'>;
  files: RecordInput<'coverage_file'>[];
  outside: number;
}

/** The same files of the same commit are the same report, however often collected. */
function reportId(repo: string, sha: string, format: string, read: ReadCoverage): string {
  const h = createHash('sha256').update(`${repo}\0${sha}\0${format}\0${read.digests.join('\0')}`);
  return `${repo}@${sha.slice(0, 12)}:${format}:${h.digest('hex').slice(0, 16)}`;
}

/** Records per yielded batch (all in one transaction: the collector is atomic). */
const BATCH = 5000;

export const coverageCollector = {
  id: 'coverage',
  description: 'test coverage per file (lines, branches, which lines) from lcov, Cobertura and JaCoCo reports',
  configSchema: options,
  atomic: true,
  // Every report is read to its end before a store is opened: a malformed file writes nothing.
  async prepare(o, ctx) {
    const cwd = resolve(ctx.cwd, o.cwd);
    const git = await gitDefaults(cwd);
    const repo = o.repo ?? git.repo;
    const commit = o.sha ?? git.sha;
    if (!repo || !commit)
      throw invalidArgument(
        `${cwd} is not in a git repository with a commit, so the report's repository and commit are unknown: ` +
          'pass --repo owner/name and --sha SHA (or run in the clone the coverage was measured in)',
      );
    const files = [];
    for (const p of o.paths) {
      const abs = resolve(cwd, p);
      const st = await stat(abs).catch(() => null);
      if (!st) throw invalidArgument(`${p}: no such file`);
      if (!st.isFile()) throw invalidArgument(`${p}: not a file; name the report files themselves`);
      files.push(abs);
    }
    const root = o.root ? resolve(cwd, o.root) : (git.root ?? cwd);
    const read = await readCoverage(files, {
      format: o.format,
      cwd,
      root,
      sourceRoots: o.source_roots ?? JVM_SOURCE_ROOTS,
    });
    const id = reportId(repo, commit, o.format, read);
    const sum = (k: 'lines_covered' | 'lines_total' | 'branches_covered' | 'branches_total') =>
      [...read.files.values()].reduce((n, f) => n + f[k], 0);
    const report: RecordInput<'coverage_report'> = {
      kind: 'coverage_report',
      report_id: id,
      repo,
      sha: commit,
      branch: o.branch ?? (o.sha ? null : git.branch),
      format: o.format,
      collected_at: o.at ?? read.writtenAt,
      files: read.files.size,
      lines_covered: sum('lines_covered'),
      lines_total: sum('lines_total'),
      branches_covered: sum('branches_covered'),
      branches_total: sum('branches_total'),
    };
    const rows = [...read.files].map(
      ([path, t]): RecordInput<'coverage_file'> => ({ kind: 'coverage_file', report_id: id, repo, sha: commit, path, ...t }),
    );
    return { sourceId: `coverage:${repo}`, target: { report, files: rows, outside: read.outside } };
  },
  async *collect(ctx) {
    const { report, files } = ctx.target;
    yield { records: [report] };
    for (let i = 0; i < files.length; i += BATCH) {
      yield { records: files.slice(i, i + BATCH) };
      ctx.progress({ unit: 'files', done: Math.min(files.length, i + BATCH) });
    }
    return {
      cursor: report.report_id,
      facts: {
        report_id: report.report_id,
        repo: report.repo,
        sha: String(report.sha),
        branch: report.branch ?? '',
        files: files.length,
        outside: ctx.target.outside,
        lines_covered: report.lines_covered,
        lines_total: report.lines_total,
        branches_covered: report.branches_covered,
        branches_total: report.branches_total,
      },
    };
  },
} satisfies Collector<typeof options, CoverageTarget>;
