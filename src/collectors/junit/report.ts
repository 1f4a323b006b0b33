/** What one report file says, before it becomes records: one entry per executed test case element. */
export type TestStatus = 'passed' | 'failed' | 'error' | 'skipped';

export interface ParsedCase {
  /** Innermost `<testsuite name>` (NUnit: assembly and namespace path); '' when unnamed. */
  suite: string;
  className: string;
  name: string;
  /** As written by the runner (`file`/`filepath` of the case or an enclosing suite); normalised later. */
  file: string | null;
  status: TestStatus;
  durationMs: number;
  /** Runner-side reruns recorded inside this one element (Surefire flakyFailure/rerunFailure). */
  retries: number;
  /** `timestamp` of the case or its suite, when the runner wrote one. */
  timestamp: string | null;
}

export type ReportFormat = 'junit' | 'nunit' | 'xunit';

export interface ParsedReport {
  /** The path as the user named it (for messages). */
  path: string;
  format: ReportFormat;
  cases: ParsedCase[];
  /** Recoverable XML problems the report contained (e.g. a `<` inside an attribute value). */
  warnings: string[];
}

export type StatusCounts = Record<TestStatus, number>;

export function countStatuses(cases: readonly { status: TestStatus }[]): StatusCounts {
  const c: StatusCounts = { passed: 0, failed: 0, error: 0, skipped: 0 };
  for (const x of cases) c[x.status]++;
  return c;
}
