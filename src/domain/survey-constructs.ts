/**
 * The survey vocabulary: what an answer measures, whatever the survey tool called its question.
 * A stored answer's `construct` is one of these names (or null: an item no construct covers);
 * metrics read `coalesce(construct, question)`, so a source that already names its questions
 * after constructs (the demo) needs no mapping. Each has the scale its scores must fall in.
 */
export interface SurveyConstructInfo {
  title: string;
  /** Scores are checked against [min, max] at import. */
  min: number;
  max: number;
  unit: string;
  direction: 'higher_is_better' | 'lower_is_better';
}

const likert = (title: string, direction: SurveyConstructInfo['direction'] = 'higher_is_better') => ({
  title,
  min: 1,
  max: 5,
  unit: 'score (1-5)',
  direction,
});

export const SURVEY_CONSTRUCTS = {
  nps: { title: 'Developer NPS', min: 0, max: 10, unit: 'score (0-10)', direction: 'higher_is_better' },
  satisfaction: likert('Developer satisfaction'),
  space_satisfaction: likert('SPACE: satisfaction and well-being'),
  space_performance: likert('SPACE: performance (self-reported outcomes)'),
  space_activity: likert('SPACE: activity (self-reported)'),
  space_communication: likert('SPACE: communication and collaboration'),
  space_efficiency: likert('SPACE: efficiency and flow'),
  dx_speed: likert('DX Core 4: speed (self-reported)'),
  dx_effectiveness: likert('DX Core 4: effectiveness (self-reported)'),
  dx_quality: likert('DX Core 4: quality (self-reported)'),
  dx_impact: likert('DX Core 4: impact (self-reported)'),
  flow_days: {
    title: 'Days with flow per week',
    min: 0,
    max: 5,
    unit: 'days per week',
    direction: 'higher_is_better',
  },
  valuable_work_share: {
    title: 'Share of time on valuable work',
    min: 0,
    max: 100,
    unit: '% of time',
    direction: 'higher_is_better',
  },
  cognitive_load: likert('Cognitive load (5 = overwhelmed)', 'lower_is_better'),
  tool_satisfaction: likert('Tool satisfaction'),
} as const satisfies Record<string, SurveyConstructInfo>;

export type SurveyConstruct = keyof typeof SURVEY_CONSTRUCTS;
export const SURVEY_CONSTRUCT_NAMES = Object.keys(SURVEY_CONSTRUCTS) as [
  SurveyConstruct,
  ...SurveyConstruct[],
];

/** Why a score does not fit its construct's scale, or null when it does. */
export function scoreProblem(construct: SurveyConstruct, score: number): string | null {
  const c = SURVEY_CONSTRUCTS[construct];
  return score < c.min || score > c.max
    ? `${score} is outside the ${construct} scale (${c.min} to ${c.max})`
    : null;
}
