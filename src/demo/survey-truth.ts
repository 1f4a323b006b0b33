import { errorFunction } from 'simple-statistics';
import { SURVEY_CONSTRUCTS, type SurveyConstruct } from '../domain/survey-constructs.js';
import type { DemoOrg } from './org.js';
import { SURVEY } from './params.js';
import { DEMO_SURVEY_ITEMS, SURVEY_SD, teamMean } from './survey-params.js';

const phi = (x: number) => 0.5 * (1 + errorFunction(x / Math.SQRT2));

/**
 * What a metric over many answers approaches: the mean of round(N(mean, sd)) clamped to
 * [min, max], exactly (the planted mean shifts where a scale's end cuts the normal off).
 */
export function expectedAnswerMean(mean: number, sd: number, min: number, max: number): number {
  let e = 0;
  for (let k = min; k <= max; k++) {
    const lo = k === min ? 0 : phi((k - 0.5 - mean) / sd);
    const hi = k === max ? 1 : phi((k + 0.5 - mean) / sd);
    e += k * (hi - lo);
  }
  return e;
}

export interface DemoSurveyTeamTruth {
  team: string;
  /** Planted mean per construct (nps: the team's npsMean), before rounding and clamping. */
  means: Record<SurveyConstruct, number>;
  /** What each construct's metric approaches with many answers. */
  expected: Record<SurveyConstruct, number>;
  /** Expected NPS bands, % of respondents, and the NPS they make. */
  nps: { promoters: number; passives: number; detractors: number; score: number };
}

export interface DemoSurveyTruth {
  survey: string;
  /** Each pulse's answers, one per construct, written with the construct as the question. */
  questions: SurveyConstruct[];
  responseRate: number;
  sd: Record<SurveyConstruct, number>;
  /** Constructs planted with the same mean for every team: nothing to find between teams. */
  nulls: SurveyConstruct[];
  teams: DemoSurveyTeamTruth[];
}

export function demoSurveyTruth(org: DemoOrg): DemoSurveyTruth {
  const sd = { nps: SURVEY.npsSd, ...SURVEY_SD };
  return {
    survey: 'pulse-YYYY-MM',
    questions: ['nps', ...DEMO_SURVEY_ITEMS],
    responseRate: SURVEY.responseRate,
    sd,
    nulls: DEMO_SURVEY_ITEMS.filter((i) => new Set(org.teams.map((t) => teamMean(i, t.index))).size === 1),
    teams: org.teams.map((t) => {
      const means = { nps: t.npsMean } as Record<SurveyConstruct, number>;
      for (const i of DEMO_SURVEY_ITEMS) means[i] = teamMean(i, t.index);
      const expected = {} as Record<SurveyConstruct, number>;
      for (const c of ['nps', ...DEMO_SURVEY_ITEMS] as SurveyConstruct[]) {
        const scale = SURVEY_CONSTRUCTS[c];
        expected[c] = expectedAnswerMean(means[c], sd[c], scale.min, scale.max);
      }
      const promoters = 100 * (1 - phi((8.5 - t.npsMean) / SURVEY.npsSd));
      const detractors = 100 * phi((6.5 - t.npsMean) / SURVEY.npsSd);
      return {
        team: t.team,
        means,
        expected,
        nps: { promoters, passives: 100 - promoters - detractors, detractors, score: promoters - detractors },
      };
    }),
  };
}
