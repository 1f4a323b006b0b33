import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../../src/demo/generate.js';
import type { DemoTruth } from '../../src/demo/truth.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import {
  analyzeExperiment,
  experimentsSection,
  getExperiment,
  treatedPeople,
  type ExperimentResults,
} from '../../src/report/experiments/index.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * The demo plants an AI review bot that cuts the wait for a first review by 30% for a 30% hash
 * cohort of people from a known date, and a null twin of the same shape where nothing changes
 * (src/demo/experiments.ts). The analysis must find the one inside its interval and significant,
 * and find nothing in the other.
 */
const config = testConfig();
const registry = registryFor(config);
const cfg = experimentsSection.parse({});
const OPTIONS = { developers: 40, days: 70, seed: 2, end: new Date('2025-06-02T00:00:00Z') };
const TTFR = 'github.prs.time_to_first_review_hours';

describe.each(ENGINES)('experiments recover the demo’s planted effect and its null twin on %s', (engine) => {
  let t: TestStore;
  let truth: DemoTruth;
  let bot: ExperimentResults;
  let twin: ExperimentResults;
  beforeAll(async () => {
    t = await openTestStore(engine);
    const demo = createDemo(OPTIONS);
    for (const batch of demo.batches(20_000)) await ingest(t.store, batch);
    await ensureFresh(t.store, config);
    truth = demo.truth;
    const e = await getExperiment(t.store, truth.experiments.effect.id);
    const n = await getExperiment(t.store, truth.experiments.null.id);
    bot = await analyzeExperiment(t.store, registry, cfg, e, OPTIONS.end);
    twin = await analyzeExperiment(t.store, registry, cfg, n, OPTIONS.end);
  }, 900_000);
  afterAll(async () => t?.cleanup());

  it('the bot’s −30% on time to first review lies inside the interval, significant, and the advice is to roll out', () => {
    const r = bot.results.find((x) => x.metric === TTFR)!;
    const planted = truth.experiments.effect.effectPercent;
    expect(planted).toBe(-30);
    expect(r.kind).toBe('median');
    expect(r.stratified).toBe(true);
    expect(r.percent.low!, JSON.stringify(r)).toBeLessThanOrEqual(planted);
    expect(r.percent.high!, JSON.stringify(r)).toBeGreaterThanOrEqual(planted);
    expect(r.percent.high!).toBeLessThan(0);
    expect(r.test.pValue!).toBeLessThan(0.01);
    expect(r.significant).toBe(true);
    expect(r.improved).toBe(true);
    expect(r.treatment.value!).toBeLessThan(r.control.value!);
    expect(bot.recommendation!.action).toBe('roll_out');
    expect(bot.recommendation!.reasons.join(' ')).toMatch(/Time to first review.*significantly improved/);
  });

  it('the arms are the hash cohort: treatment people are exactly the cohort’s authors', () => {
    const r = bot.results.find((x) => x.metric === TTFR)!;
    const people = truth.teams.flatMap((x) => x.members);
    const cohort = treatedPeople(truth.experiments.effect.id, { type: 'share', share: 0.3 }, people);
    expect(r.treatment.people).toBeLessThanOrEqual(cohort.length);
    expect(r.treatment.people).toBeGreaterThan(cohort.length * 0.8);
    expect(r.control.people).toBeGreaterThan(people.length - cohort.length - 3);
    expect(r.control.people + r.treatment.people).toBeLessThanOrEqual(people.length);
  });

  it('cycle time, which the bot leaves alone (merges keep their times), is not significant', () => {
    const r = bot.results.find((x) => x.metric === 'github.prs.cycle_time_hours')!;
    expect(r.test.pValue!).toBeGreaterThan(cfg.alpha);
    expect(r.significant).toBe(false);
  });

  it('the null twin finds nothing: its interval holds 0, not significant, and the advice is not to roll out', () => {
    const r = twin.results.find((x) => x.metric === TTFR)!;
    expect(truth.experiments.null.effectPercent).toBe(0);
    expect(r.significant, JSON.stringify(r)).toBe(false);
    expect(r.percent.low!).toBeLessThan(0);
    expect(r.percent.high!).toBeGreaterThan(0);
    expect(twin.recommendation!.action).not.toBe('roll_out');
    expect(twin.experiment.status).toBe('stopped');
  });

  it('null cohorts are calibrated: over 20 salts of the twin, at most 3 significant, and the intervals hold 0', async () => {
    // One fixed null can be a false positive 5% of the time; the rule behind it must hold over many draws.
    const e = await getExperiment(t.store, truth.experiments.null.id);
    let significant = 0;
    let covers = 0;
    for (let i = 0; i < 20; i++) {
      const r = (await analyzeExperiment(t.store, registry, cfg, { ...e, id: `null-${i}` }, OPTIONS.end))
        .results[0]!;
      if (r.significant) significant++;
      if (r.percent.low! <= 0 && r.percent.high! >= 0) covers++;
    }
    expect(significant).toBeLessThanOrEqual(3);
    expect(covers).toBeGreaterThanOrEqual(18);
  }, 120_000);
});
