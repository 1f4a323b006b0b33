import type { DemoContext } from './context.js';
import { SURVEY } from './params.js';

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
}
