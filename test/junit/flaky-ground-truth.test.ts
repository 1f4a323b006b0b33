import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createDemo } from '../../src/demo/generate.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { flakyTests } from '../../src/metrics/tests/flaky.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * The demo generator knows exactly which tests it made flaky and which of them actually failed
 * then passed on a re-run of the same sha. Pitwall's flakiness must recover that set exactly:
 * no genuine failure counted as flaky, no realised flaky test missed.
 */
const registry = registryFor(loadConfig({ cwd: '/nonexistent', env: {} }));
const OPTIONS = { developers: 12, days: 28, seed: 7, end: new Date('2026-03-02T00:00:00Z') };
// Every record the demo wrote, whatever its warm-up: flakiness is judged over all of it.
const ALL = { from: new Date('2000-01-01T00:00:00Z'), to: new Date('2100-01-01T00:00:00Z') };

describe.each(ENGINES)('flaky tests equal the demo’s ground truth on %s', (engine) => {
  let t: TestStore;
  let observed: string[];
  let planted: string[];
  beforeAll(async () => {
    t = await openTestStore(engine);
    const demo = createDemo(OPTIONS);
    for (const batch of demo.batches(20_000)) await ingest(t.store, batch);
    observed = demo.realised().ci.flakyTestIdsObserved;
    planted = demo.truth.ci.flakyTestIds;
  });
  afterAll(async () => t?.cleanup());

  it('flakyTests() returns exactly the realised flaky set, each with same-sha evidence', async () => {
    expect(observed.length).toBeGreaterThan(2);
    const got = await flakyTests(t.store, ALL);
    expect(got.map((x) => x.test_id).sort()).toEqual([...observed].sort());
    for (const f of got) {
      expect(planted).toContain(f.test_id);
      for (const e of f.evidence) {
        expect(e.sha).toMatch(/^[0-9a-f]{7,}$/);
        expect(e.passed).toBeGreaterThan(0);
        expect(e.failed).toBeGreaterThan(0);
      }
    }
  });

  it('ci.tests.flaky_count and determinism_rate agree with the realised set', async () => {
    const [count] = await registry.compute(t.store, 'ci.tests.flaky_count', ALL);
    expect(count!.value).toBe(observed.length);
    const [{ n }] = (await t.store.query<{ n: number }>(
      `select count(distinct test_id) as n from test_results where status <> 'skipped'`,
    )) as [{ n: number }];
    const [det] = await registry.compute(t.store, 'ci.tests.determinism_rate', ALL);
    expect(det!.value).toBeCloseTo(1 - observed.length / Number(n), 12);
  });

  it('per repo, the flaky count splits the realised set by the tests’ repositories', async () => {
    const byRepo = await registry.compute(t.store, 'ci.tests.flaky_count', { ...ALL, by: 'repo' });
    const rows = await t.store.query<{ test_id: string; repo: string }>(
      `select distinct test_id, repo from test_results`,
    );
    const repoOf = new Map(rows.map((r) => [r.test_id, r.repo]));
    const expected = new Map<string, number>();
    for (const id of observed) expected.set(repoOf.get(id)!, (expected.get(repoOf.get(id)!) ?? 0) + 1);
    for (const r of byRepo) expect(r.value, String(r.group)).toBe(expected.get(r.group!) ?? 0);
    expect(byRepo.reduce((s, r) => s + (r.value ?? 0), 0)).toBe(observed.length);
  });
});
