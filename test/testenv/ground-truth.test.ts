import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../../src/demo/generate.js';
import type { RealisedTruth } from '../../src/demo/summary.js';
import type { DemoTruth } from '../../src/demo/truth.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { testenvReport } from '../../src/report/testenv.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * The demo organisation's test environments: what its draws realised (re-provisions, failures
 * by category) is what the analysis must find. The planted optimisation's before/after truth is
 * checked in ground-truth-optimisation.test.ts.
 */
const config = testConfig();
const registry = registryFor(config);
const OPTIONS = { developers: 24, days: 56, seed: 5, end: new Date('2025-06-02T00:00:00Z') };

describe.each(ENGINES)('test-environment analytics recover the demo’s provisioning on %s', (engine) => {
  let t: TestStore;
  let truth: DemoTruth;
  let real: RealisedTruth;
  let win: { from: Date; to: Date };
  beforeAll(async () => {
    t = await openTestStore(engine);
    const demo = createDemo(OPTIONS, { detail: true });
    for (const batch of demo.batches(20_000)) await ingest(t.store, batch);
    await ensureFresh(t.store, config);
    truth = demo.truth;
    real = demo.realised();
    win = { from: new Date(truth.window.from), to: new Date(truth.window.to) };
  });
  afterAll(async () => t?.cleanup());

  const value = async (name: string, w = win) => (await registry.compute(t.store, name, w))[0]?.value ?? null;

  it('manual re-provisions: exactly the demo’s (teardowns at close never pair)', async () => {
    expect(real.provisioning.reprovisions).toBeGreaterThan(3);
    expect(await value('testenv.reprovision.count')).toBe(real.provisioning.reprovisions);
    expect(await value('testenv.reprovision.rate')).toBeCloseTo(
      real.provisioning.reprovisions / real.provisioning.provisions,
      9,
    );
  });

  it('failures by category: the demo’s counts, each over all provisions', async () => {
    const rows = await registry.compute(t.store, 'testenv.provision.failure_rate', { ...win, by: 'failure' });
    const n = real.provisioning.provisions;
    expect(Object.fromEntries(rows.map((r) => [r.group, r.value! * n]))).toEqual(
      Object.fromEntries(
        Object.entries(real.provisioning.failuresByCategory).map(([k, c]) => [k, expect.closeTo(c, 6)]),
      ),
    );
    const report = await testenvReport(t.store, registry, win);
    expect(Object.fromEntries(report.failures.map((f) => [f.category, f.count]))).toEqual(
      real.provisioning.failuresByCategory,
    );
  });
});
