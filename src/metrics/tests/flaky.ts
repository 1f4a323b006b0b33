import type { Queryable } from '../../store/store.js';
import { FLAKY_SCOPES } from '../definitions/tests.js';

export interface FlakyEvidence {
  /** The commit the test both passed and failed on, or null when it was proved inside one run without a sha. */
  sha: string | null;
  runs: string[];
  passed: number;
  failed: number;
  /** Runner-side retries inside passing executions (Surefire flakyFailure). */
  retries: number;
  last_at: Date;
}

export interface FlakyTest {
  test_id: string;
  repo: string | null;
  suite: string;
  class_name: string;
  name: string;
  file: string | null;
  evidence: FlakyEvidence[];
  last_at: Date;
}

interface Row {
  test_id: string;
  scope: string;
  sha: string | null;
  run_id: string;
  status: string;
  retries: number;
  executed_at: Date;
  repo: string | null;
  suite: string;
  class_name: string;
  name: string;
  file: string | null;
}

/**
 * Every test flaky in [from, to) with its evidence: the same definition as ci.tests.flaky_count
 * (FLAKY_SCOPES), then the executions in those scopes, assembled per test here.
 */
export async function flakyTests(store: Queryable, window: { from: Date; to: Date }): Promise<FlakyTest[]> {
  const rows = await store.query<Row>(
    `with fl as (${FLAKY_SCOPES})
     select r.test_id, fl.scope, r.sha, r.run_id, r.status, r.retries, r.executed_at,
       r.repo, r.suite, r.class_name, r.name, r.file
     from test_results r join fl on fl.test_id = r.test_id and fl.scope = coalesce(r.sha, 'run:' || r.run_id)
     where r.executed_at >= $1::timestamp and r.executed_at < $2::timestamp
     order by r.test_id, fl.scope, r.executed_at, r.run_id, r.attempt`,
    [window.from, window.to],
  );
  const tests = new Map<string, FlakyTest>();
  const scopes = new Map<string, FlakyEvidence>();
  for (const r of rows) {
    const at = new Date(r.executed_at);
    let t = tests.get(r.test_id);
    if (!t) tests.set(r.test_id, (t = { ...pick(r), evidence: [], last_at: at }));
    // The latest execution names the test (a renamed suite shows its current name).
    if (at >= t.last_at) Object.assign(t, pick(r), { last_at: at });
    const key = `${r.test_id}\u0000${r.scope}`;
    let e = scopes.get(key);
    if (!e) {
      e = { sha: r.sha, runs: [], passed: 0, failed: 0, retries: 0, last_at: at };
      scopes.set(key, e);
      t.evidence.push(e);
    }
    if (!e.runs.includes(r.run_id)) e.runs.push(r.run_id);
    if (r.status === 'passed') e.passed++;
    if (r.status === 'failed' || r.status === 'error') e.failed++;
    if (r.status === 'passed') e.retries += Number(r.retries);
    if (at > e.last_at) e.last_at = at;
  }
  return [...tests.values()].sort(
    (a, b) => b.evidence.length - a.evidence.length || a.test_id.localeCompare(b.test_id),
  );
}

function pick(r: Row): Omit<FlakyTest, 'evidence' | 'last_at'> {
  return {
    test_id: r.test_id,
    repo: r.repo,
    suite: r.suite,
    class_name: r.class_name,
    name: r.name,
    file: r.file,
  };
}
