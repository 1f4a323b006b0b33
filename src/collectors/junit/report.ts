/** What one report file says, before it becomes records: one entry per executed test case element. */
export type TestStatus = 'passed' | 'failed' | 'error' | 'skipped';

export interface ParsedCase {
  /** Innermost `<testsuite name>` (NUnit: assembly and namespace path); '' when unnamed. */
  suite: string;
  className: string;
  /** null when the runner wrote no name: identity gives each such case its own (see identity.ts). */
  name: string | null;
  /** As written by the runner (`file`/`filepath` of the case or an enclosing suite); normalised later. */
  file: string | null;
  status: TestStatus;
  durationMs: number;
  /** Runner-side reruns recorded inside this one element (Surefire flakyFailure/rerunFailure). */
  retries: number;
  /** `timestamp` of the case or its suite, when the runner wrote one. */
  timestamp: string | null;
}

export type ReportFormat = 'junit' | 'nunit' | 'xunit' | 'trx';

export interface ParsedReport {
  /** The path as the user named it (for messages). */
  path: string;
  format: ReportFormat;
  cases: ParsedCase[];
  /** Recoverable XML problems the report contained (e.g. a `<` inside an attribute value). */
  warnings: string[];
  /** sha256 of the file's bytes: what a content-derived run id hashes. */
  digest: string;
}

export type StatusCounts = Record<TestStatus, number>;
