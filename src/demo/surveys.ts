import { SURVEY_CONSTRUCTS } from '../domain/survey-constructs.js';
import type { DemoContext } from './context.js';
import { SURVEY } from './params.js';
import { DEMO_SURVEY_ITEMS, SURVEY_SD, teamMean } from './survey-params.js';

/** What the survey generator reads and writes of the demo's context. */
export type SurveyDemoContext = Pick<DemoContext, 'org' | 'realised' | 'end' | 'emit'> & {
  rng: Pick<DemoContext['rng'], 'dx'>;
};

const answer = (draw: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(draw)));

/**
 * Monthly pulse survey, sent on the 1st of each month in the window; each developer answers
 * with probability SURVEY.responseRate within the first five days, one answer per construct
 * (the construct is the question, as a source that names its items after them writes it).
 * Scores are rounded normal draws around the team's planted mean (survey-params.ts), clamped to
 * the construct's scale. Each pulse draws from a stream of its own, so the survey's items can
 * change without shifting any other part of the demo.
 */
export function surveyDay(ctx: SurveyDemoContext, dayStart: number): void {
  const d = new Date(dayStart);
  if (d.getUTCDate() !== 1) return;
  const survey = `pulse-${d.toISOString().slice(0, 7)}`;
  const rng = ctx.rng.dx.fork(survey);
  for (const dev of ctx.org.developers) {
    if (!rng.chance(SURVEY.responseRate)) continue;
    const team = ctx.org.teams.find((t) => t.team === dev.team)!;
    const at = dayStart + rng.int(0, 5 * 24 * 3600 - 1) * 1000;
    if (at >= ctx.end) continue;
    const nps = answer(rng.normal(team.npsMean, SURVEY.npsSd), 0, 10);
    const np = ctx.realised.nps.get(team.team) ?? { promoters: 0, detractors: 0, total: 0 };
    np.total++;
    if (nps >= 9) np.promoters++;
    else if (nps <= 6) np.detractors++;
    ctx.realised.nps.set(team.team, np);
    const answers: [string, number][] = [['nps', nps]];
    for (const item of DEMO_SURVEY_ITEMS) {
      const scale = SURVEY_CONSTRUCTS[item];
      answers.push([
        item,
        answer(rng.normal(teamMean(item, team.index), SURVEY_SD[item]), scale.min, scale.max),
      ]);
    }
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
}
