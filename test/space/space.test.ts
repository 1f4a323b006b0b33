import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { loadConfig } from '../../src/plugins.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { spaceReport, type SpaceReport } from '../../src/report/space.js';
import { scoreOf } from '../../src/report/space-score.js';
import { WINDOW, records } from './planted.js';

/** The planted organisation of ./planted.ts: every figure below is counted by hand from its rows. */
const config = loadConfig({ cwd: '/nonexistent', env: {} });
const registry = registryFor(config);
const measure = (r: SpaceReport, id: string) => {
  const m = r.dimensions.flatMap((d) => d.measures).find((x) => x.id === id);
  if (!m) throw new Error(`no measure ${id}`);
  return m;
};
const dim = (r: SpaceReport, d: string) => r.dimensions.find((x) => x.dimension === d)!;

describe.each(ENGINES)('the SPACE report on planted rows (%s)', (engine) => {
  let t: TestStore;
  let org: SpaceReport;
  let core: SpaceReport;
  let web: SpaceReport;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(t.store, records() as never);
    await ensureFresh(t.store, config);
    [org, core, web] = await Promise.all([
      spaceReport(t.store, registry, config.space, WINDOW),
      spaceReport(t.store, registry, config.space, { ...WINDOW, team: 'core' }),
      spaceReport(t.store, registry, config.space, { ...WINDOW, team: 'web' }),
    ]);
  });
  afterAll(async () => t?.cleanup());

  it('activity averages are per active developer per week, and withheld below k developers', () => {
    // 8 active developers, 2 weeks: 60 commits, 14 PRs, 14 reviews.
    expect(org.activity.developers).toBe(8);
    expect(measure(org, 'commits_per_developer').value).toBeCloseTo(60 / 8 / 2, 9);
    expect(measure(org, 'prs_per_developer').value).toBeCloseTo(14 / 8 / 2, 9);
    expect(measure(org, 'reviews_per_developer').value).toBeCloseTo(14 / 8 / 2, 9);
    // Core alone: 6 developers (reviews all by core people).
    expect(measure(core, 'commits_per_developer').value).toBeCloseTo(60 / 6 / 2, 9);
    expect(measure(core, 'reviews_per_developer').value).toBeCloseTo(14 / 6 / 2, 9);
    // Web: two developers, fewer than privacy.min_group_size (5).
    const w = measure(web, 'prs_per_developer');
    expect(w.value).toBeNull();
    expect(w.withheld).toMatch(/fewer than 5 people/);
    expect(w.score).toBeNull();
    expect(web.activity.developers).toBeNull();
    expect(web.activity.withheld).toMatch(/privacy.min_group_size/);
  });

  it('adoption is the share of active developers with points above zero, per team too', () => {
    const ai = dim(org, 'activity').adoption!.find((a) => a.id === 'ai_assistant')!;
    expect(ai).toMatchObject({ users: 5, developers: 8, share: 5 / 8, target: 0.7 });
    // 0.625 of 0.7 is 10.7% short of target: red (yellow is within 10%).
    expect(ai.status).toBe('red');
    expect(ai.score).toBeCloseTo(scoreOf(5 / 8 / 0.7), 2);
    const coreAi = dim(core, 'activity').adoption!.find((a) => a.id === 'ai_assistant')!;
    expect(coreAi).toMatchObject({ users: 4, developers: 6, share: 4 / 6 });
    const webAi = dim(web, 'activity').adoption!.find((a) => a.id === 'ai_assistant')!;
    expect(webAi.share).toBeNull();
    expect(webAi.withheld).toMatch(/fewer than 5 people/);
    // No portal points at all: not measured, so not scored as 0%.
    const portal = dim(org, 'activity').adoption!.find((a) => a.id === 'portal')!;
    expect(portal).toMatchObject({ share: null, score: null, status: 'none' });
    expect(portal.note).toMatch(/no portal.sessions points/);
  });

  it('communication: review latency, comments, approval rate and cross-team share', () => {
    expect(measure(org, 'time_to_first_review').value).toBeCloseTo(6, 9);
    expect(measure(org, 'time_to_first_review').status).toBe('green');
    expect(measure(org, 'comments_per_pr').value).toBeCloseTo(3, 9);
    // 14 reviewed PRs closed, three of them never approved.
    expect(measure(org, 'approval_rate').value).toBeCloseTo(11 / 14, 9);
    expect(measure(org, 'approval_rate').status).toBe('red');
    // Two of the 14 merged PRs into core's repository came from web developers.
    expect(measure(org, 'cross_team_prs').value).toBeCloseTo(2 / 14, 9);
    expect(measure(core, 'cross_team_prs').value).toBeCloseTo(2 / 14, 9);
    expect(measure(web, 'cross_team_prs').value).toBeNull();
  });

  it('satisfaction: NPS breakdown, trend, and the previous quarter', () => {
    const b = org.satisfaction.breakdown;
    // In % of respondents, as the survey area's band metrics give them.
    expect(b.promoters.value).toBeCloseTo(40, 9);
    expect(b.passives.value).toBeCloseTo(30, 9);
    expect(b.detractors.value).toBeCloseTo(30, 9);
    expect(measure(org, 'nps').value).toBeCloseTo(10, 9);
    expect(measure(org, 'nps').previous).toBeCloseTo(100, 9);
    // Four web respondents: below k, withheld with the reason.
    expect(web.satisfaction.breakdown.promoters.value).toBeNull();
    expect(web.satisfaction.breakdown.promoters.withheld).toMatch(/fewer than 5 people/);
    const months = org.satisfaction.trend.map((p) => p.bucket.toISOString().slice(0, 7));
    expect(months).toEqual(['2024-01', '2024-03']);
    expect(org.satisfaction.trend[0]!.value).toBeCloseTo(100, 9);
    expect(org.satisfaction.trend[1]!.value).toBeCloseTo(10, 9);
    expect(org.satisfaction.driversNote).toMatch(/feedback report/);
    // Satisfaction scored from NPS alone (no satisfaction item planted): 10 vs 65, then 100 vs 65.
    const s = dim(org, 'satisfaction');
    expect(s.basis).toBe('metrics');
    expect(s.score).toBeCloseTo(scoreOf(10 / 65), 2);
    expect(s.previous).toBe(5);
  });

  it('efficiency: flow shares and high load from the answers', () => {
    expect(measure(org, 'flow_three_plus').value).toBeCloseTo(0.6, 9);
    expect(measure(org, 'flow_three_plus').status).toBe('green');
    expect(measure(org, 'flow_never').value).toBeCloseTo(0.2, 9);
    expect(measure(org, 'flow_never').status).toBe('red');
    expect(measure(org, 'high_load').value).toBeCloseTo(0.3, 9);
    expect(measure(org, 'cognitive_load').value).toBeCloseTo(2.9, 9);
    expect(measure(org, 'cognitive_load').status).toBe('green');
  });

  it('a dimension whose survey item was answered is scored by it; the measures still show their own score', () => {
    const e = dim(org, 'efficiency');
    expect(e.basis).toBe('survey');
    expect(e.survey).toMatchObject({ metric: 'dx.survey.space_efficiency', people: 10 });
    expect(e.score).toBeCloseTo(3.2, 9);
    const own = e.measures.map((m) => m.score).filter((x): x is number => x !== null);
    expect(e.metricsScore).toBeCloseTo(own.reduce((x, y) => x + y) / own.length, 2);
    // Four web respondents: the item is withheld, so the team's dimension falls back to its measures.
    const w = dim(web, 'efficiency');
    expect(w.survey!.withheld).toMatch(/fewer than 5 people/);
    expect(w.basis).not.toBe('survey');
  });

  it('dimension and overall scores are the means of what has data; performance without deployments is unscored', () => {
    const p = dim(org, 'performance');
    expect(p).toMatchObject({ score: null, basis: null, status: 'none' });
    const a = dim(org, 'activity');
    const expected = [60 / 8 / 2 / 10, 14 / 8 / 2 / 2, 14 / 8 / 2 / 3, 5 / 8 / 0.7].map(scoreOf);
    expect(a.score).toBeCloseTo(expected.reduce((x, y) => x + y) / 4, 1);
    const scored = org.dimensions.map((d) => d.score).filter((x): x is number => x !== null);
    expect(scored).toHaveLength(4);
    expect(org.overall.score).toBeCloseTo(scored.reduce((x, y) => x + y) / 4, 2);
    expect(org.overall.target).toBe(4.5);
    expect(org.overall.status).toBe('red');
  });
});
