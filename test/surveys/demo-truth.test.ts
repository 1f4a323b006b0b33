import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/plugins.js';
import { SURVEY_CONSTRUCT_NAMES } from '../../src/domain/survey-constructs.js';
import type { DemoRecord } from '../../src/demo/context.js';
import { createDemo } from '../../src/demo/generate.js';
import { resolveDemoOptions } from '../../src/demo/options.js';
import { buildOrg } from '../../src/demo/org.js';
import { Rng } from '../../src/demo/random.js';
import { Realised } from '../../src/demo/realised.js';
import type { RealisedTruth } from '../../src/demo/summary.js';
import { demoSurveyTruth, expectedAnswerMean, type DemoSurveyTruth } from '../../src/demo/survey-truth.js';
import { surveyDay } from '../../src/demo/surveys.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * The demo plants a mean per team for every survey construct (src/demo/survey-params.ts) and
 * one null (tool satisfaction: the same for every team). The dx.survey.* metrics must equal the
 * answers the demo realised exactly, and approach the planted values within sampling error.
 */
const registry = registryFor(loadConfig({ cwd: '/nonexistent', env: {} }));
const DAY = 86_400_000;
const byTeam = async (t: TestStore, name: string, from: Date, to: Date) =>
  Object.fromEntries(
    (await registry.compute(t.store, name, { from, to, by: 'team' })).map((r) => [r.group!, r]),
  );

it('the expected mean of a rounded, clamped normal answer is exact at the scale’s middle and pulled in at its ends', () => {
  expect(expectedAnswerMean(3, 0.8, 1, 5)).toBeCloseTo(3, 9);
  // Far inside the scale rounding changes nothing; near the top the clamp pulls the mean down.
  expect(expectedAnswerMean(50, 15, 0, 100)).toBeCloseTo(50, 6);
  expect(expectedAnswerMean(4.6, 0.8, 1, 5)).toBeLessThan(4.5);
  expect(expectedAnswerMean(4.6, 0.8, 1, 5)).toBeGreaterThan(4.2);
});

describe.each(ENGINES)('survey constructs of the demo on %s', (engine) => {
  // The full demo, small: every construct's metric equals the realised answers exactly.
  describe('the whole demo organisation', () => {
    let t: TestStore;
    let real: RealisedTruth;
    let window: { from: Date; to: Date };
    beforeAll(async () => {
      t = await openTestStore(engine);
      const demo = createDemo({ developers: 48, days: 95, seed: 5, end: new Date('2026-10-05T00:00:00Z') });
      for (const batch of demo.batches(20_000))
        await ingest(
          t.store,
          batch.filter((r) => r.kind === 'survey_response'),
        );
      real = demo.realised();
      window = { from: new Date(demo.truth.window.from), to: new Date(demo.truth.window.to) };
    });
    afterAll(async () => t?.cleanup());

    it('every construct per team equals the mean of the realised answers; NPS bands equal the realised shares', async () => {
      let compared = 0;
      for (const construct of SURVEY_CONSTRUCT_NAMES.filter((c) => c !== 'nps')) {
        const got = await byTeam(t, `dx.survey.${construct}`, window.from, window.to);
        for (const [team, r] of Object.entries(real.perTeam)) {
          const v = got[team];
          expect(v, `${construct} ${team}`).toBeDefined();
          if (v!.withheld) {
            expect(v!.people!).toBeLessThan(5);
            continue;
          }
          expect(v!.value, `${construct} ${team}`).toBeCloseTo(r.surveyMeans[construct]!, 9);
          compared++;
        }
      }
      const promoters = await byTeam(t, 'dx.survey.nps_promoters', window.from, window.to);
      const nps = await byTeam(t, 'dx.survey.nps', window.from, window.to);
      for (const [team, r] of Object.entries(real.perTeam)) {
        if (nps[team]!.withheld) continue;
        expect(nps[team]!.value, team).toBeCloseTo(r.nps!, 9);
        expect(promoters[team]!.value).toBeGreaterThanOrEqual(0);
        compared++;
      }
      // Teams of 8 over three pulses: nearly every team has 5 or more respondents.
      const teams = Object.keys(real.perTeam).length;
      expect(compared).toBeGreaterThanOrEqual(0.8 * teams * SURVEY_CONSTRUCT_NAMES.length);
    });
  });

  // Only the survey generator, at a size where sampling error is small: the planted means.
  describe('a long pulse programme (64 developers in 8 teams, 60 monthly pulses)', () => {
    let t: TestStore;
    let truth: DemoSurveyTruth;
    const answers: Record<string, number[]> = {};
    const o = resolveDemoOptions({
      developers: 64,
      days: 1826,
      seed: 9,
      end: new Date('2026-12-01T00:00:00Z'),
    });
    const from = new Date(o.end.getTime() - o.days * DAY);
    beforeAll(async () => {
      t = await openTestStore(engine);
      const org = buildOrg(o);
      truth = demoSurveyTruth(org);
      const records: DemoRecord[] = [];
      const ctx = {
        org,
        rng: { dx: new Rng(o.seed).fork('dx') },
        realised: new Realised(false),
        end: o.end.getTime(),
        emit: (r: DemoRecord) => {
          records.push(r);
          if (r.kind === 'survey_response') (answers[`${r.team} ${r.question}`] ??= []).push(Number(r.score));
        },
      };
      for (let day = from.getTime(); day < o.end.getTime(); day += DAY) surveyDay(ctx, day);
      for (let i = 0; i < records.length; i += 20_000) await ingest(t.store, records.slice(i, i + 20_000));
    });
    afterAll(async () => t?.cleanup());

    it('recovers every planted team mean within four standard errors, and no difference where none was planted', async () => {
      for (const construct of truth.questions.filter((c) => c !== 'nps')) {
        const got = await byTeam(t, `dx.survey.${construct}`, from, o.end);
        for (const team of truth.teams) {
          const n = answers[`${team.team} ${construct}`]!.length;
          expect(n).toBeGreaterThan(250);
          // The spread of a rounded answer is at most sd plus the rounding's own (1/12 of a step²).
          const se = Math.sqrt(truth.sd[construct] ** 2 + 1 / 12) / Math.sqrt(n);
          expect(
            Math.abs(got[team.team]!.value! - team.expected[construct]),
            `${construct} ${team.team}`,
          ).toBeLessThan(4 * se);
        }
        const values = truth.teams.map((tm) => got[tm.team]!.value!);
        const spread = Math.max(...values) - Math.min(...values);
        if (truth.nulls.includes(construct)) expect(spread, construct).toBeLessThan(0.25);
        else expect(spread, construct).toBeGreaterThan(0.4);
      }
      expect(truth.nulls).toEqual(['tool_satisfaction']);
    });

    it('recovers the planted NPS promoter and detractor shares and the NPS per team', async () => {
      const promoters = await byTeam(t, 'dx.survey.nps_promoters', from, o.end);
      const detractors = await byTeam(t, 'dx.survey.nps_detractors', from, o.end);
      const passives = await byTeam(t, 'dx.survey.nps_passives', from, o.end);
      const nps = await byTeam(t, 'dx.survey.nps', from, o.end);
      for (const team of truth.teams) {
        const n = answers[`${team.team} nps`]!.length;
        const se = (p: number) => 100 * Math.sqrt(((p / 100) * (1 - p / 100)) / n);
        const p = promoters[team.team]!.value!;
        const d = detractors[team.team]!.value!;
        expect(Math.abs(p - team.nps.promoters), team.team).toBeLessThan(4 * se(team.nps.promoters) + 0.5);
        expect(Math.abs(d - team.nps.detractors), team.team).toBeLessThan(4 * se(team.nps.detractors) + 0.5);
        expect(p + d + passives[team.team]!.value!).toBeCloseTo(100, 9);
        expect(nps[team.team]!.value!).toBeCloseTo(p - d, 9);
        expect(Math.abs(nps[team.team]!.value! - team.nps.score)).toBeLessThan(8 * se(50) + 1);
      }
      // The planted order of the teams' NPS survives: the best team beats the worst clearly.
      const best = truth.teams.reduce((a, b) => (a.means.nps > b.means.nps ? a : b));
      const worst = truth.teams.reduce((a, b) => (a.means.nps < b.means.nps ? a : b));
      expect(nps[best.team]!.value! - nps[worst.team]!.value!).toBeGreaterThan(40);
    });
  });
});
