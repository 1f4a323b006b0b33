import { sampleRankCorrelation } from 'simple-statistics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../../src/demo/generate.js';
import { TEAM_TABLE } from '../../src/demo/params.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { correlate, spearmanPValue } from '../../src/report/correlations.js';
import { strongestRelations } from '../../src/report/correlations-strongest.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * The demo's team table (src/demo/params.ts TEAM_TABLE) plants NPS inversely to review latency
 * across teams; CI durations are drawn alike for every team (only the cache changes them, over
 * time for all). Over team x month points the first relation must be negative and significant,
 * the second not.
 */
const config = testConfig();
const registry = registryFor(config);
// 8 teams (one per row of the team table) over four whole months.
const OPTIONS = { developers: 64, days: 120, seed: 7, end: new Date('2025-06-01T00:00:00Z') };
/** The kinds these metrics read; the rest of the demo (commands, tests, jobs) only slows the load. */
const KINDS = new Set([
  'team',
  'person',
  'repo',
  'commit',
  'pull_request',
  'review',
  'survey_response',
  'pipeline_run',
]);
const from = new Date(OPTIONS.end.getTime() - OPTIONS.days * 86_400_000);
const NPS = 'dx.survey.nps';
const TTFR = 'github.prs.time_to_first_review_hours';
const CI = 'ci.runs.duration_p50_minutes';

describe('spearmanPValue', () => {
  it('matches tabled critical values of Spearman’s rho (t approximation)', () => {
    // n = 30: rho = 0.362 is the two-sided 5% critical value (t with 28 df = 2.048).
    expect(spearmanPValue(0.362, 30)!).toBeCloseTo(0.0493, 3);
    expect(spearmanPValue(-0.362, 30)!).toBeCloseTo(0.0493, 3);
    expect(spearmanPValue(0, 30)).toBe(1);
    expect(spearmanPValue(1, 10)).toBe(0);
    expect(spearmanPValue(0.5, 2)).toBeNull();
  });
});

describe.each(ENGINES)('correlations recover the demo’s planted team relations on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
    const demo = createDemo(OPTIONS);
    for (const batch of demo.batches(20_000)) {
      const mine = batch.filter((r) => KINDS.has(r.kind));
      if (mine.length) await ingest(t.store, mine);
    }
    await ensureFresh(t.store, config);
  });
  afterAll(async () => t?.cleanup());

  it('NPS falls as time to first review rises (team x month), significantly', async () => {
    // The planted relation itself: the team table's ranks are almost exactly opposite.
    expect(
      sampleRankCorrelation([...TEAM_TABLE.npsMean], [...TEAM_TABLE.reviewLatencyMedianHours]),
    ).toBeLessThan(-0.9);
    const r = await correlate(t.store, registry, { x: NPS, y: TTFR, bucket: 'month', from, to: OPTIONS.end });
    expect(r.n).toBeGreaterThanOrEqual(20);
    expect(r.rho!).toBeLessThan(-0.5);
    expect(r.pValue!).toBeLessThan(0.001);
    expect(r.significant).toBe(true);
    expect(r.strength).toBe('strong');
    expect(r.points).toHaveLength(r.n);
    expect(new Set(r.points.map((p) => p.team)).size).toBe(8);
    expect(r.caveat).toMatch(/not cause/);
    expect(r.warnings).not.toContainEqual(expect.stringMatching(/too few/));
  });

  it('NPS and CI run duration, related by nothing planted, are not significant', async () => {
    const r = await correlate(t.store, registry, { x: NPS, y: CI, bucket: 'month', from, to: OPTIONS.end });
    expect(r.n).toBeGreaterThanOrEqual(20);
    expect(r.pValue!).toBeGreaterThan(0.05);
    expect(r.significant).toBe(false);
  });

  it('a quarter bucket gives one point per team and quarter, and warns below the minimum n', async () => {
    const r = await correlate(t.store, registry, {
      x: NPS,
      y: TTFR,
      bucket: 'quarter',
      from,
      to: OPTIONS.end,
      minN: 40,
    });
    const buckets = new Set(r.points.map((p) => p.bucket));
    expect(
      [...buckets].every((b) => /-(01|04|07|10)-01T00:00:00.000Z$/.test(b) || b === from.toISOString()),
    ).toBe(true);
    expect(r.n).toBeLessThan(40);
    expect(r.significant).toBe(false);
    expect(r.warnings).toContainEqual(expect.stringMatching(/too few to trust/));
  });

  it('the strongest table ranks the planted relation above the null one', async () => {
    const table = await strongestRelations(
      t.store,
      registry,
      {
        ...config.correlations,
        pairs: [
          [NPS, CI],
          [NPS, TTFR],
        ],
      },
      OPTIONS.end,
    );
    expect(table.relations.map((r) => [r.x.name, r.y.name])).toEqual([
      [NPS, TTFR],
      [NPS, CI],
    ]);
    expect(table.relations[0]!.significant).toBe(true);
    expect(table.relations[1]!.significant).toBe(false);
  });
});
