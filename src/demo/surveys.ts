import type { DemoContext } from './context.js';
import { SURVEY } from './params.js';

const DAY = 86_400_000;
const FEEDBACK = {
  praise: {
    ci: 'CI got noticeably faster',
    review: 'Reviews come back quickly',
    tooling: 'The new CLI is great',
  },
  friction: {
    ci: 'Flaky e2e tests block merges',
    environments: 'Test environments take too long',
    docs: 'Onboarding docs are out of date',
  },
} as const;

/**
 * Monthly pulse survey, sent on the 1st of each month in the window; each developer answers
 * with probability SURVEY.responseRate within the first five days. Scores are rounded
 * normal draws around the team mean, clamped to the scale.
 */
export function surveyDay(ctx: DemoContext, dayStart: number): void {
  const d = new Date(dayStart);
  if (d.getUTCDate() !== 1) return;
  const rng = ctx.rng.dx;
  const survey = `pulse-${d.toISOString().slice(0, 7)}`;
  for (const dev of ctx.org.developers) {
    if (!rng.chance(SURVEY.responseRate)) continue;
    const team = ctx.org.teams.find((t) => t.team === dev.team)!;
    const at = dayStart + rng.int(0, 5 * 24 * 3600 - 1) * 1000;
    if (at >= ctx.end) continue;
    const nps = Math.min(10, Math.max(0, Math.round(rng.normal(team.npsMean, SURVEY.npsSd))));
    const np = ctx.realised.nps.get(team.team) ?? { promoters: 0, detractors: 0, total: 0 };
    np.total++;
    if (nps >= 9) np.promoters++;
    else if (nps <= 6) np.detractors++;
    ctx.realised.nps.set(team.team, np);
    const answers: [string, number][] = [['nps', nps]];
    for (const q of SURVEY.likertQuestions)
      answers.push([q, Math.min(5, Math.max(1, Math.round(rng.normal(team.surveyMean, SURVEY.sd))))]);
    for (const [question, score] of answers) {
      const key = `${team.team} ${question}`;
      const acc = ctx.realised.survey.get(key) ?? [0, 0];
      acc[0] += score;
      acc[1]++;
      ctx.realised.survey.set(key, acc);
      ctx.emit({
        kind: 'survey_response',
        survey,
        respondent: dev.login,
        question,
        team: team.team,
        answered_at: new Date(at),
        score,
      });
    }
  }
  for (const team of ctx.org.teams)
    for (let k = 0; k < 3; k++) {
      const sentiment = rng.pick(['praise', 'friction'] as const);
      const entries = Object.entries(FEEDBACK[sentiment]);
      const [category, text] = rng.pick(entries);
      const at = dayStart + rng.int(0, 10 * 24 * 3600) * 1000;
      if (at < ctx.end)
        ctx.emit({
          kind: 'feedback',
          id: `fb-${survey}-${team.team}-${k}`,
          occurred_at: new Date(at),
          author: rng.pick(team.members),
          team: team.team,
          category,
          sentiment,
          text,
        });
    }
}

/** The daily org-wide cache hit-rate gauge: low before the cache annotation, high after. */
export function metricsDay(ctx: DemoContext, dayStart: number): void {
  const noon = dayStart + DAY / 2;
  const base = noon >= ctx.cacheAt ? 0.8 : 0.05;
  ctx.emit({
    kind: 'metric_point',
    name: 'ci.cache.hit_rate',
    occurred_at: new Date(noon),
    type: 'gauge',
    value: Math.round((base + ctx.rng.dx.float() * 0.1) * 1000) / 1000,
    tags: { scope: 'org' },
  });
}

export function annotations(ctx: DemoContext, annotationId: string): void {
  ctx.emit({
    kind: 'annotation',
    id: annotationId,
    occurred_at: new Date(ctx.cacheAt),
    title: 'CI cache enabled',
    category: 'optimisation',
  });
  ctx.emit({
    kind: 'experiment',
    id: 'exp-ci-cache',
    name: 'CI dependency cache',
    hypothesis: 'Caching dependencies cuts CI job durations by 25%',
    metric: 'ci.runs.duration_p50_minutes',
    started_at: new Date(ctx.cacheAt),
    ended_at: null,
    cohort: 'all repositories',
    status: 'rolled_out',
    participants: ctx.org.developers.length,
  });
}
