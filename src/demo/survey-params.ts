import type { SurveyConstruct } from '../domain/survey-constructs.js';
import { TEAM_TABLE } from './params.js';

export type DemoSurveyItem = Exclude<SurveyConstruct, 'nps'>;

/**
 * The planted mean of every survey construct per team (index i of each list is team i mod 8),
 * before rounding to the scale's steps and clamping to its ends. Satisfaction keeps the team
 * table's surveyMean; communication falls as review latency rises (the team table's slowest
 * reviewers, search and mobile, score lowest) and cognitive load is high where the rest is low.
 * Tool satisfaction is the planted null: the same mean for every team.
 */
export const SURVEY_TEAM_MEANS: Record<DemoSurveyItem, readonly number[]> = {
  satisfaction: TEAM_TABLE.surveyMean,
  space_satisfaction: [4.1, 3.3, 3.8, 2.9, 4.0, 3.1, 3.6, 3.3],
  space_performance: [4.0, 3.5, 3.9, 3.0, 4.1, 3.2, 3.7, 3.4],
  space_activity: [3.7, 3.3, 3.6, 3.0, 3.8, 3.1, 3.5, 3.3],
  space_communication: [4.3, 3.2, 4.0, 2.6, 4.4, 2.9, 3.7, 3.5],
  space_efficiency: [4.0, 3.3, 3.7, 2.8, 4.1, 3.0, 3.5, 3.2],
  dx_speed: [4.1, 3.2, 3.8, 2.7, 4.2, 2.9, 3.6, 3.3],
  dx_effectiveness: [4.0, 3.4, 3.7, 3.0, 3.9, 3.1, 3.6, 3.3],
  dx_quality: [3.9, 3.6, 3.8, 3.1, 4.0, 2.8, 3.5, 3.4],
  dx_impact: [3.8, 3.5, 3.6, 3.2, 3.9, 3.3, 3.7, 3.4],
  flow_days: [3.5, 2.0, 3.0, 1.2, 3.8, 1.5, 2.6, 2.2],
  valuable_work_share: [72, 55, 66, 40, 75, 45, 60, 52],
  cognitive_load: [2.3, 3.4, 2.8, 4.0, 2.2, 3.7, 3.0, 3.3],
  tool_satisfaction: [3.6, 3.6, 3.6, 3.6, 3.6, 3.6, 3.6, 3.6],
};

/** Spread of one answer around its team's mean; answers are whole steps of the scale. */
export const SURVEY_SD: Record<DemoSurveyItem, number> = {
  satisfaction: 0.8,
  space_satisfaction: 0.8,
  space_performance: 0.8,
  space_activity: 0.8,
  space_communication: 0.8,
  space_efficiency: 0.8,
  dx_speed: 0.8,
  dx_effectiveness: 0.8,
  dx_quality: 0.8,
  dx_impact: 0.8,
  flow_days: 1,
  valuable_work_share: 15,
  cognitive_load: 0.8,
  tool_satisfaction: 0.8,
};

export const DEMO_SURVEY_ITEMS = Object.keys(SURVEY_TEAM_MEANS) as DemoSurveyItem[];

export const teamMean = (item: DemoSurveyItem, teamIndex: number): number => {
  const table = SURVEY_TEAM_MEANS[item];
  return table[teamIndex % table.length]!;
};
