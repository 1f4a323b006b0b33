import { createHash } from 'node:crypto';
import type { RecordInput } from '../../domain/records.js';
import { identify, type IdentifiedCase } from './identity.js';
import type { ParsedCase, ParsedReport } from './report.js';
import { reportInstant } from './values.js';

export interface RunContext {
  repo: string | null;
  sha: string | null;
  branch: string | null;
  /** CI run id; when absent, derived from the reports' content so re-ingesting them is idempotent. */
  runId: string | null;
  /** The CI run's attempt; a test seen n times in the collection gets attempts attempt..attempt+n-1. */
  attempt: number;
  /** When the tests ran, if the caller knows better than the reports. */
  at: Date | null;
  cwd: string;
}

/**
 * A run id from the reports' bytes (their sha256 digests, in the order read): re-collecting the
 * same files gives the same id, so the same rows, without holding their cases to hash them.
 */
export function contentRunId(digests: readonly string[]): string {
  const h = createHash('sha256');
  for (const d of digests) h.update(d);
  return `junit-${h.digest('hex').slice(0, 16)}`;
}

/**
 * One test_result record. `writtenAt` is when its report was written (its mtime): the time of
 * a case whose runner wrote no timestamp.
 */
export function toRecord(
  c: ParsedCase,
  id: IdentifiedCase,
  writtenAt: Date,
  ctx: RunContext & { runId: string },
): RecordInput<'test_result'> {
  return {
    kind: 'test_result',
    test_id: id.testId,
    run_id: ctx.runId,
    attempt: ctx.attempt + id.occurrence - 1,
    repo: ctx.repo,
    suite: c.suite,
    class_name: c.className,
    name: id.name,
    file: id.file,
    sha: ctx.sha,
    branch: ctx.branch,
    status: c.status,
    duration_ms: c.durationMs,
    retries: c.retries,
    executed_at: ctx.at ?? reportInstant(c.timestamp) ?? writtenAt,
  };
}

/** test_result records for reports held in memory, read in one collection. */
export function toRecords(
  reports: readonly { report: ParsedReport; writtenAt: Date }[],
  ctx: RunContext,
): RecordInput<'test_result'>[] {
  const all = reports.flatMap(({ report, writtenAt }) => report.cases.map((c) => ({ c, writtenAt })));
  const ids = identify(
    ctx.repo,
    all.map((x) => x.c),
    ctx.cwd,
  );
  const run = { ...ctx, runId: ctx.runId ?? contentRunId(reports.map((r) => r.report.digest)) };
  return all.map(({ c, writtenAt }, i) => toRecord(c, ids[i]!, writtenAt, run));
}
