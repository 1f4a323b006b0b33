import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { loadConfig } from '../../src/plugins.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { spaceReport, type SpaceReport } from '../../src/report/space.js';
import { scoreOf } from '../../src/report/space-score.js';

/**
 * A planted organisation with known answers: two weeks, six `core` developers who commit, open
 * PRs into acme/api and review each other, two `web` developers who each send one PR to the
 * core repository (cross-team), ten survey respondents, and AI-assistant points from five
 * developers. Every figure below is counted by hand from these rows.
 */
const config = loadConfig({ cwd: '/nonexistent', env: {} });
const registry = registryFor(config);
const WINDOW = { from: new Date('2024-03-04T00:00:00Z'), to: new Date('2024-03-18T00:00:00Z') };
const H = 3_600_000;
const CORE = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'];
const WEB = ['w1', 'w2'];
const at = (day: number, hour = 10) => new Date(WINDOW.from.getTime() + day * 24 * H + hour * H);

function records(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    { kind: 'repo', repo: 'acme/api', team: 'core' },
    { kind: 'repo', repo: 'acme/web', team: 'web' },
    ...CORE.map((login) => ({ kind: 'person', login, team: 'core' })),
    ...WEB.map((login) => ({ kind: 'person', login, team: 'web' })),
    { kind: 'person', login: 'renovate[bot]', is_bot: true },
  ];
  let number = 0;
  const pr = (author: string, day: number, approved: boolean, reviewer: string) => {
    number++;
    const created = at(day);
    out.push({
      kind: 'pull_request',
      repo: 'acme/api',
      number,
      author,
      title: `change ${number}`,
      state: 'merged',
      created_at: created,
      merged_at: new Date(created.getTime() + 8 * H),
      closed_at: new Date(created.getTime() + 8 * H),
      comments: 2,
    });
    // Every PR is first reviewed 6 hours after it opens.
    out.push({
      kind: 'review',
      repo: 'acme/api',
      pr_number: number,
      review_id: `r${number}`,
      reviewer,
      state: approved ? 'approved' : 'commented',
      submitted_at: new Date(created.getTime() + 6 * H),
      // Review comments on the PR are summed from its reviews by enrichment.
      comments: 1,
    });
  };
  // Core: two PRs each (12), three of them reviewed without approval; ten commits each.
  CORE.forEach((d, i) => {
    const next = CORE[(i + 1) % CORE.length]!;
    pr(d, i, true, next);
    pr(d, i + 7, i >= 3, next);
    for (let c = 0; c < 10; c++)
      out.push({
        kind: 'commit',
        repo: 'acme/api',
        sha: `${i}${c}`.padEnd(40, 'a'),
        author: d,
        authored_at: at(c, 9),
        committed_at: at(c, 9),
        subject: `work ${c}`,
      });
  });
  // Web: one cross-team PR each into the core repository, approved by d1.
  WEB.forEach((w, i) => pr(w, 2 + i, true, 'd1'));
  // A bot's PR counts nowhere.
  out.push({
    kind: 'pull_request',
    repo: 'acme/api',
    number: 999,
    author: 'renovate[bot]',
    title: 'bump',
    state: 'open',
    created_at: at(1),
  });
  // Survey: ten respondents, six in core and four in web.
  const nps = [10, 10, 9, 8, 8, 7, 6, 5, 3, 10];
  const flow = [0, 1, 3, 3, 4, 5, 5, 2, 3, 0];
  const load = [4, 5, 2, 3, 3, 1, 2, 4, 3, 2];
  for (let r = 0; r < 10; r++) {
    const base = { survey: 'pulse-2024-03', respondent: `p${r}`, team: r < 6 ? 'core' : 'web' };
    for (const [question, score] of [
      ['nps', nps[r]!],
      ['flow_days', flow[r]!],
      ['cognitive_load', load[r]!],
    ] as const)
      out.push({ kind: 'survey_response', ...base, question, answered_at: at(3), score });
    // The previous quarter: everyone a promoter (NPS 100).
    out.push({
      kind: 'survey_response',
      ...base,
      survey: 'pulse-2024-01',
      question: 'nps',
      answered_at: new Date('2024-01-15T10:00:00Z'),
      score: 10,
    });
  }
  // AI assistant: d1..d4 and w1 use it (daily counters tagged with the user); d5 sent a zero.
  for (const user of ['d1', 'd2', 'd3', 'd4', 'w1'])
    for (let day = 0; day < 3; day++)
      out.push({
        kind: 'metric_point',
        name: 'ai.assistant.sessions',
        occurred_at: at(day, 12),
        type: 'count',
        value: 3,
        tags: { user },
      });
  out.push({
    kind: 'metric_point',
    name: 'ai.assistant.sessions',
    occurred_at: at(1, 12),
    type: 'count',
    value: 0,
    tags: { user: 'd5' },
  });
  return out;
}

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
    expect(b.promoters.value).toBeCloseTo(0.4, 9);
    expect(b.passives.value).toBeCloseTo(0.3, 9);
    expect(b.detractors.value).toBeCloseTo(0.3, 9);
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
