import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../../src/demo/generate.js';
import type { RealisedTruth } from '../../src/demo/summary.js';
import type { DemoTruth } from '../../src/demo/truth.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { explainMetric } from '../../src/metrics/registry/registry.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * The demo organisation provisions its test environments through the StatsD path, causally
 * after its CI, with an optimisation planted at a known date; its truth (src/demo/truth.ts and
 * the realised values) says what the analysis must find.
 */
const config = testConfig();
const registry = registryFor(config);
const OPTIONS = { developers: 24, days: 56, seed: 5, end: new Date('2025-06-02T00:00:00Z') };

describe.each(ENGINES)(
  'test-environment analytics recover the demo’s planted optimisation on %s',
  (engine) => {
    let t: TestStore;
    let truth: DemoTruth;
    let real: RealisedTruth;
    let win: { from: Date; to: Date };
    let at: Date;
    beforeAll(async () => {
      t = await openTestStore(engine);
      const demo = createDemo(OPTIONS, { detail: true });
      for (const batch of demo.batches(20_000)) await ingest(t.store, batch);
      await ensureFresh(t.store, config);
      truth = demo.truth;
      real = demo.realised();
      win = { from: new Date(truth.window.from), to: new Date(truth.window.to) };
      at = new Date(truth.provisioning.optimisation.at);
    });
    afterAll(async () => t?.cleanup());

    const value = async (name: string, w = win) =>
      (await registry.compute(t.store, name, w))[0]?.value ?? null;
    const before = () => ({ from: win.from, to: at });
    const after = () => ({ from: at, to: win.to });

    it('lead time before and after the planted optimisation: the realised medians and p90s', async () => {
      const o = real.provisioning.optimisation;
      expect(await value('testenv.provision.duration_p50_minutes', before())).toBeCloseTo(
        o.leadTimeMinutes.before.p50!,
        9,
      );
      expect(await value('testenv.provision.duration_p50_minutes', after())).toBeCloseTo(
        o.leadTimeMinutes.after.p50!,
        9,
      );
      expect(await value('testenv.provision.duration_p90_minutes', after())).toBeCloseTo(
        o.leadTimeMinutes.after.p90!,
        9,
      );
      expect(o.leadTimeSavedMinutes).toBeGreaterThan(1);
    });

    it('CI-to-provisioning delay before and after: the realised medians', async () => {
      const o = real.provisioning.optimisation.ciToProvisioningMinutes;
      expect(await value('testenv.ci_delay.median_minutes', before())).toBeCloseTo(o.before.p50!, 9);
      expect(await value('testenv.ci_delay.median_minutes', after())).toBeCloseTo(o.after.p50!, 9);
      expect(await value('testenv.ci_delay.p90_minutes', after())).toBeCloseTo(o.after.p90!, 9);
      const ex = await explainMetric(t.store, registry, 'testenv.ci_delay.median_minutes', {
        ...after(),
        limit: 1,
      });
      expect(ex.total).toBe(o.after.count);
      // After the change provisioning starts within a poll of the image build.
      expect(o.after.p50!).toBeLessThan(o.before.p50!);
    });

    it('early provisioning share before and after: the realised shares', async () => {
      const e = real.provisioning.optimisation.earlyProvisioning;
      expect(await value('testenv.provision.early_share', before())).toBeCloseTo(e.before.share!, 9);
      expect(await value('testenv.provision.early_share', after())).toBeCloseTo(e.after.share!, 9);
    });

    it('parallel development time: one row per successful provision joined to its CI run, the realised median', async () => {
      const r = real.provisioning.optimisation.readyMinusCiTestsMinutes;
      for (const [w, d] of [
        [before(), r.before],
        [after(), r.after],
      ] as const) {
        const ex = await explainMetric(t.store, registry, 'testenv.parallel.median_minutes', {
          ...w,
          limit: 1,
        });
        expect(ex.total).toBe(d.count);
        // Parallel time is −(ready − tests end), 0 when the tests ended first: its median is the
        // truth's median mirrored and cut at 0 (within the interpolation between two middle rows).
        expect(await value('testenv.parallel.median_minutes', w)).toBeCloseTo(Math.max(0, -d.p50!), 1);
      }
      expect(r.after.count).toBeGreaterThan(50);
    });
  },
);
