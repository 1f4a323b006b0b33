import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../../src/demo/generate.js';
import type { RealisedTruth } from '../../src/demo/summary.js';
import type { DemoTruth } from '../../src/demo/truth.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { impactAnalysis, windowOf, type ImpactReport } from '../../src/report/impact/index.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * The demo plants an optimisation on provisioning at a known date (src/demo/truth.ts) and knows
 * the realised lead time before and after it (RealisedTruth.provisioning.optimisation); the
 * Kubernetes phase and the failure rate are drawn the same on both sides (planted nulls). The
 * impact analysis must find the one and not the others.
 */
const config = testConfig();
const registry = registryFor(config);
const OPTIONS = { developers: 24, days: 56, seed: 5, end: new Date('2025-06-02T00:00:00Z') };
const LEAD = 'testenv.provision.duration_p50_minutes';
const contains = (e: { low: number | null; high: number | null }, x: number) =>
  e.low !== null && e.high !== null && e.low <= x && x <= e.high;

describe.each(ENGINES)('impact analysis recovers the demo’s planted optimisation on %s', (engine) => {
  let t: TestStore;
  let truth: DemoTruth;
  let real: RealisedTruth;
  let at: Date;
  let halves: { before: ReturnType<typeof windowOf>; after: ReturnType<typeof windowOf> };
  let lead: ImpactReport;
  beforeAll(async () => {
    t = await openTestStore(engine);
    const demo = createDemo(OPTIONS);
    for (const batch of demo.batches(20_000)) await ingest(t.store, batch);
    await ensureFresh(t.store, config);
    truth = demo.truth;
    real = demo.realised();
    at = new Date(truth.provisioning.optimisation.at);
    halves = {
      before: windowOf(new Date(truth.window.from), at),
      after: windowOf(at, new Date(truth.window.to)),
    };
    lead = await impactAnalysis(t.store, registry, config.costs, {
      metric: LEAD,
      annotation: truth.provisioning.optimisation.annotationId,
      days: 20,
      now: OPTIONS.end,
    });
  });
  afterAll(async () => t?.cleanup());

  it('the lead-time effect of the whole halves lies inside the interval of 20-day windows around the annotation, p < 0.01', () => {
    const o = real.provisioning.optimisation;
    const c = lead.comparisons[0]!;
    expect(lead.annotation!.occurred_at.toISOString()).toBe(o.at);
    expect(lead.windows.before.days).toBe(20);
    // The realised effect: median after − median before over the whole window's two halves.
    const effect = o.leadTimeMinutes.after.p50! - o.leadTimeMinutes.before.p50!;
    expect(effect).toBeCloseTo(-o.leadTimeSavedMinutes!, 9);
    expect(contains(c.change.median.absolute, effect), JSON.stringify({ effect, ...c.change.median })).toBe(
      true,
    );
    expect(c.rankTest.pValue!).toBeLessThan(0.01);
    expect(c.weekdays.holdsOnEveryWeekday).toBe(true);
    expect(c.business!.hoursPerYear.value!).toBeGreaterThan(0);
  });

  it('over the truth’s own halves, the window medians are the realised ones exactly', async () => {
    const o = real.provisioning.optimisation;
    const r = await impactAnalysis(t.store, registry, config.costs, {
      metric: LEAD,
      ...halves,
      now: OPTIONS.end,
    });
    const c = r.comparisons[0]!;
    expect(c.before.median.value).toBeCloseTo(o.leadTimeMinutes.before.p50!, 9);
    expect(c.after.median.value).toBeCloseTo(o.leadTimeMinutes.after.p50!, 9);
    expect(c.after.p90.value).toBeCloseTo(o.leadTimeMinutes.after.p90!, 9);
    expect(c.business!.savedPerEvent.value).toBeCloseTo(o.leadTimeSavedMinutes!, 9);
  });

  it('the Kubernetes phase, a planted null, is not significant and its interval holds 0', async () => {
    const r = await impactAnalysis(t.store, registry, config.costs, {
      metric: 'testenv.phase.duration_p50_minutes',
      where: { phase: 'testenv.kubernetes' },
      ...halves,
      now: OPTIONS.end,
    });
    const c = r.comparisons[0]!;
    const k = real.provisioning.optimisation.kubernetesMinutes;
    expect(c.before.n).toBe(k.before.count);
    expect(c.after.median.value).toBeCloseTo(k.after.p50!, 9);
    expect(c.rankTest.pValue!).toBeGreaterThan(0.05);
    expect(contains(c.change.median.absolute, 0)).toBe(true);
  });

  it('the failure rate, drawn the same on both sides, shows no significant change', () => {
    const p = lead.comparisons[0]!.proportion!;
    expect(p.metric).toBe('testenv.provision.success_rate');
    expect(p.test.pValue!).toBeGreaterThan(0.05);
  });

  it('lists the CI cache change inside the after window as a possible confounder', () => {
    const r = lead;
    expect(r.confounders.annotations.map((a) => a.id)).toContain(truth.ci.cache.annotationId);
    expect(r.confounders.deployments.total).toBeGreaterThan(0);
  });
});
