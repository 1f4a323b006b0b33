import { z } from 'zod';
import type { RecordInput } from '../../domain/records.js';
import { testId } from '../junit/identity.js';

export const TESTS_TREE = 'suites[name,cases[className,name,status,duration]]';

export const jkTestReport = z
  .object({
    suites: z
      .array(
        z
          .object({
            name: z.string().nullish(),
            cases: z
              .array(
                z
                  .object({
                    className: z.string().nullish(),
                    name: z.string().nullish(),
                    status: z.string().nullish(),
                    duration: z.number().nullish(),
                  })
                  .loose(),
              )
              .default([]),
          })
          .loose(),
      )
      .default([]),
  })
  .loose();

/** The JUnit plugin's case status: FIXED and REGRESSION are passes and failures that changed. */
const STATUS: Record<string, RecordInput<'test_result'>['status']> = {
  PASSED: 'passed',
  FIXED: 'passed',
  FAILED: 'failed',
  REGRESSION: 'failed',
  SKIPPED: 'skipped',
};

/** A build's JUnit plugin report as test results; ids as `pitwall collect junit` makes them. */
export function mapTestReport(
  report: z.output<typeof jkTestReport>,
  run: RecordInput<'pipeline_run'>,
): RecordInput<'test_result'>[] {
  const out: RecordInput<'test_result'>[] = [];
  for (const s of report.suites)
    for (const c of s.cases) {
      const name = c.name?.trim() || '(unnamed)';
      const className = c.className ?? '';
      out.push({
        kind: 'test_result',
        test_id: testId(run.repo, className, name),
        run_id: run.run_id,
        repo: run.repo,
        suite: s.name ?? '',
        class_name: className,
        name,
        sha: run.sha ?? null,
        branch: run.branch ?? null,
        status: STATUS[(c.status ?? '').toUpperCase()] ?? 'error',
        duration_ms: Math.max(0, Math.round((c.duration ?? 0) * 1000)),
        executed_at: run.started_at ?? run.created_at,
      });
    }
  return out;
}
