import { z } from 'zod';
import { repoName, sha } from '../../domain/kinds/common.js';
import { instant } from '../../domain/time.js';
import type { Collector } from '../collector.js';
import { resolveReportPaths } from './paths.js';
import { readReports, type ReadReport } from './read.js';
import { contentRunId, toRecords, type RunContext } from './records.js';
import { countStatuses, type StatusCounts } from './report.js';

const options = z
  .object({
    /** Files, directories (every *.xml below) or globs, relative to `cwd`. */
    paths: z.array(z.string().min(1)).min(1),
    cwd: z.string().default('.'),
    repo: repoName.optional(),
    sha: sha.optional(),
    branch: z.string().trim().min(1).optional(),
    run: z.string().trim().min(1).optional(),
    attempt: z.number().int().min(1).default(1),
    at: instant.optional(),
  })
  .strict();

export interface JunitTarget {
  reports: ReadReport[];
  context: RunContext;
}

export interface FileSummary extends StatusCounts {
  file: string;
  format: string;
  tests: number;
  warnings: string[];
}

export function fileSummaries(reports: readonly ReadReport[]): FileSummary[] {
  return reports.map(({ report }) => ({
    file: report.path,
    format: report.format,
    tests: report.cases.length,
    ...countStatuses(report.cases),
    warnings: report.warnings,
  }));
}

export const junitCollector = {
  id: 'junit',
  description: 'test results from JUnit, NUnit and xUnit.net XML reports (every common test runner)',
  configSchema: options,
  // Every report is parsed here, before a store is opened: a malformed file writes nothing.
  async prepare(o) {
    const files = await resolveReportPaths(o.paths, o.cwd);
    const reports = await readReports(files, o.cwd);
    const context: RunContext = {
      repo: o.repo ?? null,
      sha: o.sha ?? null,
      branch: o.branch ?? null,
      runId: o.run ?? contentRunId(reports.map((r) => r.report)),
      attempt: o.attempt,
      at: o.at ?? null,
      cwd: o.cwd,
    };
    return { sourceId: `junit:${o.repo ?? 'local'}`, target: { reports, context } };
  },
  // One batch, so one transaction: the reports of an invocation land together or not at all.
  async *collect(ctx) {
    const { reports, context } = ctx.target;
    const records = toRecords(reports, context);
    ctx.progress({ unit: 'tests', done: records.length });
    if (records.length) yield { records };
    return {
      cursor: context.runId ?? '',
      facts: {
        run_id: context.runId ?? '',
        files: reports.length,
        tests: records.length,
        // Facts are flat scalars; the per-file table travels as JSON for the CLI to print.
        per_file: JSON.stringify(fileSummaries(reports)),
      },
    };
  },
} satisfies Collector<typeof options, JunitTarget>;
