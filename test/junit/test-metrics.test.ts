import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { RecordInput } from '../../src/domain/records.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { flakyTests } from '../../src/metrics/tests/flaky.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

const registry = registryFor(loadConfig({ cwd: '/nonexistent', env: {} }));
const WINDOW = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') };
const S1 = 'aaaaaaa1';
const S2 = 'bbbbbbb2';

let clock = 0;
let duration = 0;
/** One execution; durations 10, 20, ... in execution order so the percentiles are known. */
function exec(
  test: string,
  run: string,
  attempt: number,
  sha: string | null,
  status: 'passed' | 'failed' | 'skipped',
  retries = 0,
): RecordInput<'test_result'> {
  clock++;
  if (status !== 'skipped') duration += 10;
  return {
    kind: 'test_result',
    test_id: test,
    run_id: run,
    attempt,
    repo: 'acme/api',
    suite: test === 'F' ? 'slow' : 'unit',
    class_name: 'Calc',
    name: `test${test}`,
    sha,
    branch: 'main',
    status,
    duration_ms: status === 'skipped' ? 0 : duration,
    retries,
    executed_at: new Date(Date.UTC(2026, 0, 10, 0, clock)),
  };
}

/**
 * A: fails then passes on a re-run of the same sha (flaky). B: passes after a runner-side retry
 * (flaky). C: fails then passes inside one run with no sha (flaky). D: fails on one sha, passes
 * on the next (a fix, not flaky). E: only skipped. F: always passes.
 */
const records = [
  exec('A', 'r1', 1, S1, 'failed'),
  exec('D', 'r1', 1, S1, 'failed'),
  exec('F', 'r1', 1, S1, 'passed'),
  exec('E', 'r1', 1, S1, 'skipped'),
  exec('A', 'r1', 2, S1, 'passed'),
  exec('B', 'r2', 1, S2, 'passed', 1),
  exec('D', 'r2', 1, S2, 'passed'),
  exec('F', 'r2', 1, S2, 'passed'),
  exec('C', 'r3', 1, null, 'failed'),
  exec('C', 'r3', 2, null, 'passed'),
];

describe.each(ENGINES)('test-health metrics on known data on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(t.store, [{ kind: 'repo', repo: 'acme/api', team: 'core' }, ...records]);
  });
  afterAll(async () => t?.cleanup());
  const value = async (name: string, by: string | null = null) =>
    (await registry.compute(t.store, name, { ...WINDOW, by })).map((r) => [r.group, r.value]);

  it('counts A, B and C as flaky, not the fixed D; determinism is 2 of 5 executed tests', async () => {
    expect(await value('ci.tests.flaky_count')).toEqual([[null, 3]]);
    expect(await value('ci.tests.flaky_count', 'team')).toEqual([['core', 3]]);
    expect(await value('ci.tests.flaky_count', 'suite')).toEqual([
      ['slow', 0],
      ['unit', 3],
    ]);
    const [[, det]] = (await value('ci.tests.determinism_rate')) as [[null, number]];
    expect(det).toBeCloseTo(2 / 5, 12);
  });

  it('flip rate: 3 of 4 consecutive pairs flip (A, C, D; F does not)', async () => {
    const [[, v]] = (await value('ci.tests.flip_rate')) as [[null, number]];
    expect(v).toBeCloseTo(0.75, 12);
  });

  it('failure rate counts every attempt, skips excluded: 3 of 9', async () => {
    const [[, v]] = (await value('ci.tests.failure_rate')) as [[null, number]];
    expect(v).toBeCloseTo(1 / 3, 12);
  });

  it('duration p50 and p90 over the nine executions 10..90 ms', async () => {
    expect(await value('ci.tests.duration_p50_ms')).toEqual([[null, 50]]);
    const [[, p90]] = (await value('ci.tests.duration_p90_ms')) as [[null, number]];
    expect(p90).toBeCloseTo(82, 9);
  });

  it('flakyTests() gives each flaky test its evidence', async () => {
    const got = await flakyTests(t.store, WINDOW);
    const by = Object.fromEntries(got.map((f) => [f.test_id, f.evidence]));
    expect(Object.keys(by).sort()).toEqual(['A', 'B', 'C']);
    expect(by.A).toMatchObject([{ sha: S1, runs: ['r1'], passed: 1, failed: 1 }]);
    expect(by.B).toMatchObject([{ sha: S2, runs: ['r2'], passed: 1, failed: 0, retries: 1 }]);
    expect(by.C).toMatchObject([{ sha: null, runs: ['r3'], passed: 1, failed: 1 }]);
  });

  it('an empty window has no flaky tests and an unknown determinism', async () => {
    const empty = { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-02-01T00:00:00Z') };
    expect(await flakyTests(t.store, empty)).toEqual([]);
    expect((await registry.compute(t.store, 'ci.tests.flaky_count', empty))[0]!.value).toBe(0);
  });
});
