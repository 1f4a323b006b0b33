import { SURVEY_CONSTRUCTS, type SurveyConstruct } from '../../domain/survey-constructs.js';
import { literal } from '../registry/fragments.js';
import type { MetricDefinition, Thresholds } from '../registry/types.js';

/**
 * Developer experience from surveys: one metric per survey construct (src/domain/survey-constructs.ts).
 * Answers are matched on `coalesce(construct, question)`: an import maps its tool's question ids
 * to constructs, a source that names its questions after constructs (the demo) needs no mapping.
 * Every one is personal: a value over fewer than privacy.min_group_size respondents is withheld.
 */
const GROUPS = ['team', 'survey'] as const;
const answers = (
  construct: SurveyConstruct,
) => `select s.answered_at as ts, s.score as v, s.team, s.survey, s.respondent
  from survey_responses s where coalesce(s.construct, s.question) = ${literal(construct)} and s.score is not null`;
const personal = { person: 'respondent', personal: true } as const;

interface Item {
  why: string;
  action: string;
  thresholds: Thresholds;
}

const LIKERT: Thresholds = { green: 4, yellow: 3.5 };

/** Why each construct matters and what to do when it is low (high, for cognitive load). */
const ITEMS: Record<Exclude<SurveyConstruct, 'nps'>, Item> = {
  satisfaction: {
    why: 'Satisfied developers stay, and they say where the platform hurts.',
    action: 'Compare teams; interview the lowest-scoring team about its top friction.',
    thresholds: LIKERT,
  },
  space_satisfaction: {
    why: 'SPACE satisfaction and well-being: how fulfilled developers are with their work, tools and team.',
    action: 'Read the comments of the lowest-scoring team and the friction feedback; act on the top theme.',
    thresholds: LIKERT,
  },
  space_performance: {
    why: 'SPACE performance as developers see it: whether what they ship works and matters.',
    action: 'Set it beside change failure rate and incidents: a gap between the two says where to look.',
    thresholds: LIKERT,
  },
  space_activity: {
    why: 'SPACE activity as developers report it: whether their time goes into making things.',
    action: 'Ask where the rest of the time goes (meetings, waiting, toil) and remove the largest block.',
    thresholds: LIKERT,
  },
  space_communication: {
    why: 'SPACE communication and collaboration: reviews, hand-offs and finding who knows.',
    action: 'Check review latency and cross-team PRs for the team; agree review hours or ownership.',
    thresholds: LIKERT,
  },
  space_efficiency: {
    why: 'SPACE efficiency and flow: whether work moves without interruptions and waiting.',
    action: 'Find the waits (CI, environments, approvals) the team names and shorten the longest.',
    thresholds: LIKERT,
  },
  dx_speed: {
    why: 'DX Core 4 speed, self-reported: how quickly developers feel they can deliver.',
    action:
      'Compare with lead time and deploy frequency; a team that feels slow where the numbers are fine has friction they are not measured on.',
    thresholds: LIKERT,
  },
  dx_effectiveness: {
    why: 'DX Core 4 effectiveness: how easy it is to do good work with the tools and processes.',
    action: 'Ask the team which step of their day they would remove; start with the platform’s part of it.',
    thresholds: LIKERT,
  },
  dx_quality: {
    why: 'DX Core 4 quality, self-reported: confidence in the code and the safety of changes.',
    action: 'Look at flaky tests, coverage and change failure rate for the team.',
    thresholds: LIKERT,
  },
  dx_impact: {
    why: 'DX Core 4 impact: whether developers see their work reach users and the business.',
    action: 'Share outcomes with the team; check that planning ties their work to goals.',
    thresholds: LIKERT,
  },
  flow_days: {
    why: 'Days per week with a block of focused time: deep work needs uninterrupted hours.',
    action: 'Protect focus time (meeting-free mornings), batch notifications, shorten build waits.',
    thresholds: { green: 3, yellow: 2 },
  },
  valuable_work_share: {
    why: 'The share of time on work developers consider valuable; the rest is toil, waiting and rework.',
    action: 'Ask what the rest of the time went to and automate or drop the largest part.',
    thresholds: { green: 60, yellow: 45 },
  },
  cognitive_load: {
    why: 'How much developers must hold in their heads to ship a change: high load slows and breaks things.',
    action: 'Simplify the path to production: paved roads, templates, fewer tools and clearer ownership.',
    thresholds: { green: 2.5, yellow: 3 },
  },
  tool_satisfaction: {
    why: 'Satisfaction with the tools: the platform team’s own customer score.',
    action: 'Read which tools the comments name; fix or replace the one most mentioned.',
    thresholds: LIKERT,
  },
};

const scaleItem = (construct: Exclude<SurveyConstruct, 'nps'>): MetricDefinition => {
  const c = SURVEY_CONSTRUCTS[construct];
  const item = ITEMS[construct];
  return {
    name: `dx.survey.${construct}`,
    version: 2,
    title: c.title,
    unit: c.unit,
    description: `Mean answer to the survey items measuring ${construct} (${c.min} to ${c.max}${c.direction === 'lower_is_better' ? ', lower is better' : ''}).`,
    why: item.why,
    action: item.action,
    direction: c.direction,
    thresholds: item.thresholds,
    groupBy: GROUPS,
    facts: answers(construct),
    aggregate: 'avg(v)',
    ...personal,
  };
};

/** Share of NPS answers in a band (promoters 9-10, passives 7-8, detractors 0-6), in %. */
const npsShare = (
  band: 'promoters' | 'passives' | 'detractors',
  when: string,
  range: string,
  title: string,
): MetricDefinition => ({
  name: `dx.survey.nps_${band}`,
  version: 1,
  title,
  unit: '% of respondents',
  description: `Share of NPS answers from ${band} (scores ${range}).`,
  why: 'The NPS hides how it is made: the same score comes from many passives or from promoters and detractors in equal numbers.',
  action: 'Read the detractors’ comments; ask the passives what would make them recommend the platform.',
  direction: band === 'detractors' ? 'lower_is_better' : 'higher_is_better',
  groupBy: GROUPS,
  facts: answers('nps'),
  aggregate: `100.0 * avg(case when ${when} then 1.0 else 0.0 end)`,
  ...personal,
});

export const dxDefinitions: MetricDefinition[] = [
  {
    name: 'dx.survey.nps',
    version: 2,
    title: 'Developer NPS',
    unit: 'NPS',
    description: 'Net promoter score of the platform: % promoters (9–10) minus % detractors (0–6).',
    why: 'A leading indicator: developers’ dissatisfaction shows here before it shows in delivery metrics.',
    action:
      'Read the detractors’ comments and the friction feedback; fix the top theme and tell people you did.',
    direction: 'higher_is_better',
    thresholds: { green: 50, yellow: 30 },
    groupBy: GROUPS,
    facts: answers('nps'),
    aggregate: `100.0 * (avg(case when v >= 9 then 1.0 else 0.0 end) - avg(case when v <= 6 then 1.0 else 0.0 end))`,
    ...personal,
  },
  npsShare('promoters', 'v >= 9', '9-10', 'NPS promoters'),
  npsShare('passives', 'v >= 7 and v < 9', '7-8', 'NPS passives'),
  npsShare('detractors', 'v <= 6', '0-6', 'NPS detractors'),
  ...(Object.keys(ITEMS) as Exclude<SurveyConstruct, 'nps'>[]).map(scaleItem),
];
