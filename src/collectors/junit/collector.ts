import { z } from 'zod';
import { repoName, sha } from '../../domain/kinds/common.js';
import { instant } from '../../domain/time.js';
import type { RecordInput } from '../../domain/records.js';
import { invalidArgument } from '../../errors/errors.js';
import type { Collector } from '../collector.js';
import { Identities } from './identity.js';
import { readCases } from './parse.js';
import { resolveReportPaths } from './paths.js';
import { scanReports, type ScannedReport } from './read.js';
import { contentRunId, toRecord, type RunContext } from './records.js';
import type { StatusCounts } from './report.js';

const options = z
  .object({
    /** Files, directories (every *.xml and *.trx below) or globs, relative to `cwd`. */
    paths: z.array(z.string().min(1)).min(1),
    cwd: z.string().default('.'),
    repo: repoName.optional(),
    sha: sha.optional(),
    branch: z.string().trim().min(1).optional(),
    run: z.string().trim().min(1).optional(),
    attempt: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31 - 1)
      .default(1),
    at: instant.optional(),
  })
  .strict();

export interface JunitTarget {
  reports: ScannedReport[];
  identities: Identities;
  context: RunContext & { runId: string };
}

export interface FileSummary extends StatusCounts {
  file: string;
  format: string;
  tests: number;
  warnings: string[];
}

export function fileSummaries(reports: readonly ScannedReport[]): FileSummary[] {
  return reports.map(({ summary }) => ({
    file: summary.path,
    format: summary.format,
    tests: summary.cases,
    ...summary.counts,
    warnings: summary.warnings,
  }));
}

/**
 * Records per yielded batch: each is one ingest (validate + upsert) of the one load. Smaller
 * than most collectors' batches: a batch in flight while the next is parsed is held twice. An
 * 833,000-case report peaked at 355 MB with batches of 5,000 and 319 MB with 1,000 (one run
 * each, other settings as then).
 */
const BATCH = 1000;

export const junitCollector = {
  id: 'junit',
  description: 'test results from JUnit, NUnit, xUnit.net and TRX (Visual Studio, dotnet test) reports',
  configSchema: options,
  // The runner ingests every batch as one load: an invocation lands whole or not at all.
  atomic: true,
  // (run, test id, attempt) is unique by construction: Identities numbers a test's repeats.
  distinctKeys: true,
  // Every report is read to its end here, before a store is opened: a malformed file writes
  // nothing. Only counts and identity fingerprints are kept, never the cases.
  async prepare(o) {
    const files = await resolveReportPaths(o.paths, o.cwd);
    const identities = new Identities(o.repo ?? null, o.cwd);
    const reports = await scanReports(files, o.cwd, (c) => identities.observe(c));
    const context = {
      repo: o.repo ?? null,
      sha: o.sha ?? null,
      branch: o.branch ?? null,
      runId: o.run ?? contentRunId(reports.map((r) => r.summary.digest)),
      attempt: o.attempt,
      at: o.at ?? null,
      cwd: o.cwd,
    };
    return { sourceId: `junit:${o.repo ?? 'local'}`, target: { reports, identities, context } };
  },
  // The second pass: the same files streamed again into records, batch by batch.
  async *collect(ctx) {
    const { reports, identities, context } = ctx.target;
    const identify = identities.identifier();
    let batch: RecordInput<'test_result'>[] = [];
    let done = 0;
    for (const { file, summary, writtenAt } of reports) {
      const cases = readCases(file, summary.path, summary.definitions);
      for (;;) {
        const next = await cases.next();
        if (next.done) {
          // Identities and the run id were derived from the first pass: a file rewritten since
          // (a runner still writing) would break both, so the whole collection is abandoned.
          if (next.value.digest !== summary.digest)
            throw invalidArgument(
              `${summary.path}: the file changed while it was being collected; nothing was written. ` +
                'Collect it once the test runner has finished writing it',
            );
          break;
        }
        for (const c of next.value) batch.push(toRecord(c, identify(c), writtenAt, context));
        if (batch.length >= BATCH) {
          done += batch.length;
          yield { records: batch };
          ctx.progress({ unit: 'tests', done });
          batch = [];
        }
      }
    }
    if (batch.length) {
      done += batch.length;
      yield { records: batch };
      ctx.progress({ unit: 'tests', done });
    }
    return {
      cursor: context.runId,
      facts: {
        run_id: context.runId,
        files: reports.length,
        tests: done,
        // Facts are flat scalars; the per-file table travels as JSON for the CLI to print.
        per_file: JSON.stringify(fileSummaries(reports)),
      },
    };
  },
} satisfies Collector<typeof options, JunitTarget>;
