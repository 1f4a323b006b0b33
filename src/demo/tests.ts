import type { DemoContext, RepoState } from './context.js';
import type { TestCase } from './org.js';
import { CI } from './params.js';

const TEST_MEDIAN_MS = { unit: 200, integration: 2_000, e2e: 20_000 } as const;

export interface SuiteOutcome {
  failed: TestCase[];
}

/**
 * Emits one suite's results inside its job. Flaky tests fail only on attempt 1 (so the re-run
 * passes on the same sha); the genuinely failing test fails on every attempt of its sha.
 */
export function emitSuite(
  ctx: DemoContext,
  st: RepoState,
  suite: TestCase['suite'],
  run: { runId: string; attempt: number; sha: string; branch: string; startedAt: number },
  genuine: TestCase | null,
): SuiteOutcome {
  const rng = ctx.rng.ci;
  const failed: TestCase[] = [];
  let offset = 0;
  for (const t of st.tests) {
    if (t.suite !== suite) continue;
    const fails = t === genuine || (t.flaky && run.attempt === 1 && rng.chance(CI.flakyFailureProbability));
    const duration = Math.round(rng.boundedLognormal(TEST_MEDIAN_MS[suite], 0.4, 3));
    ctx.emit({
      kind: 'test_result',
      test_id: t.testId,
      run_id: run.runId,
      attempt: run.attempt,
      repo: st.repo.repo,
      suite: t.suite,
      class_name: t.className,
      name: t.name,
      file: t.file,
      sha: run.sha,
      branch: run.branch,
      status: fails ? 'failed' : 'passed',
      duration_ms: duration,
      retries: 0,
      executed_at: new Date(run.startedAt + offset),
    });
    offset += duration;
    if (fails) failed.push(t);
  }
  return { failed };
}
