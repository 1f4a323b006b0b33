import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { loadConfig } from '../../src/plugins.js';
import { createDemo } from '../../src/demo/generate.js';
import type { RealisedTruth } from '../../src/demo/summary.js';
import type { DemoTruth } from '../../src/demo/truth.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { spaceReport, type SpaceReport } from '../../src/report/space.js';

/**
 * The SPACE report recovers what the demo planted: each tool's adopters (src/demo/adoption.ts),
 * the review latency and the survey answers per team; and finds nothing where nothing was
 * planted (no cross-team PRs, every reviewed PR approved).
 */
const config = loadConfig({ cwd: '/nonexistent', env: {} });
const registry = registryFor(config);
const OPTIONS = { developers: 40, days: 56, seed: 5, end: new Date('2026-06-01T00:00:00Z') };

const measure = (r: SpaceReport, id: string) =>
  r.dimensions.flatMap((d) => d.measures).find((m) => m.id === id)!;
const adoption = (r: SpaceReport, id: string) =>
  r.dimensions.find((d) => d.dimension === 'activity')!.adoption!.find((a) => a.id === id)!;

describe.each(ENGINES)('the SPACE report recovers the demo’s planted values on %s', (engine) => {
  let t: TestStore;
  let truth: DemoTruth;
  let real: RealisedTruth;
  let org: SpaceReport;
  const byTeam = new Map<string, SpaceReport>();
  beforeAll(async () => {
    t = await openTestStore(engine);
    const demo = createDemo(OPTIONS);
    for (const batch of demo.batches(20_000)) await ingest(t.store, batch);
    await ensureFresh(t.store, config);
    truth = demo.truth;
    real = demo.realised();
    const window = { from: new Date(truth.window.from), to: new Date(truth.window.to) };
    org = await spaceReport(t.store, registry, config.space, window);
    for (const team of truth.teams)
      byTeam.set(
        team.team,
        await spaceReport(t.store, registry, config.space, { ...window, team: team.team }),
      );
  }, 240_000);
  afterAll(async () => t?.cleanup());

  it('adoption: the planted adopters over the active developers, for the organisation and each team', () => {
    // Every demo developer is active over eight weeks, so the share is adopters / developers.
    expect(org.activity.developers).toBe(OPTIONS.developers);
    for (const id of ['ai_assistant', 'portal'] as const) {
      const planted = truth.adoption[id];
      const a = adoption(org, id);
      expect(a.users, id).toBe(planted.adopters.length);
      expect(a.share, id).toBeCloseTo(planted.adopters.length / OPTIONS.developers, 12);
      // The planted share, up to each team's rounding to whole people.
      expect(Math.abs(a.share! - planted.share), id).toBeLessThan(0.07);
      for (const team of truth.teams) {
        const mine = planted.adopters.filter((l) => team.members.includes(l)).length;
        const got = adoption(byTeam.get(team.team)!, id);
        if (team.members.length < config.privacy.min_group_size) expect(got.share).toBeNull();
        else expect(got.share, `${id} ${team.team}`).toBeCloseTo(mine / team.members.length, 12);
      }
    }
  });

  it('time to first review per team equals the realised median review latency', () => {
    for (const team of truth.teams) {
      const got = measure(byTeam.get(team.team)!, 'time_to_first_review').value;
      expect(got, team.team).toBeCloseTo(real.perTeam[team.team]!.reviewLatencyHours.p50!, 6);
    }
  });

  it('NPS and its promoters share per team equal the realised answers (teams of k respondents or more)', () => {
    let checked = 0;
    for (const team of truth.teams) {
      const r = byTeam.get(team.team)!;
      const planted = real.perTeam[team.team]!.nps;
      const nps = measure(r, 'nps');
      if (!nps.withheld) expect(nps.value, team.team).toBeCloseTo(planted!, 9);
      const b = r.satisfaction.breakdown;
      if (b.promoters.withheld) {
        expect(b.promoters.people!).toBeLessThan(config.privacy.min_group_size);
        continue;
      }
      checked++;
      // Bands in % of respondents.
      expect(b.promoters.value! - b.detractors.value!, team.team).toBeCloseTo(planted!, 9);
      expect(b.promoters.value! + b.passives.value! + b.detractors.value!).toBeCloseTo(100, 9);
    }
    expect(checked).toBeGreaterThanOrEqual(1);
    // The organisation: well over k respondents, and the breakdown adds up to its NPS.
    const b = org.satisfaction.breakdown;
    expect(b.promoters.value! - b.detractors.value!).toBeCloseTo(measure(org, 'nps').value!, 9);
  });

  it('survey means per team: the dimension items score their dimensions, the flow measures equal the answers', () => {
    let checked = 0;
    for (const team of truth.teams) {
      const r = byTeam.get(team.team)!;
      const means = real.perTeam[team.team]!.surveyMeans;
      for (const d of r.dimensions) {
        const planted = means[`space_${d.dimension}`];
        if (!d.survey || d.survey.withheld || planted === undefined) continue;
        checked++;
        expect(d.basis, `${team.team} ${d.dimension}`).toBe('survey');
        expect(d.survey.value!, `${team.team} ${d.dimension}`).toBeCloseTo(planted, 9);
        expect(d.score!).toBeCloseTo(planted, 2);
      }
      for (const [id, construct] of [
        ['valuable_work', 'valuable_work_share'],
        ['cognitive_load', 'cognitive_load'],
      ] as const) {
        const m = measure(r, id);
        if (m.withheld) continue;
        expect(m.value!, `${team.team} ${id}`).toBeCloseTo(means[construct]!, 9);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('nothing planted, nothing found: no cross-team PRs, every reviewed PR approved', () => {
    expect(measure(org, 'cross_team_prs').value).toBe(0);
    expect(measure(org, 'approval_rate').value).toBe(1);
    expect(org.overall.score).not.toBeNull();
    expect(org.previousWindow.to).toEqual(org.from);
    expect(org.previousWindow.from.getTime()).toBe(org.from.getTime() - 91 * 86_400_000);
  });
});
