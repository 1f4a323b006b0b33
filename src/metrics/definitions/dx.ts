import { literal } from '../registry/fragments.js';
import type { MetricDefinition } from '../registry/types.js';

/** Developer experience from surveys: NPS and the 1–5 items (satisfaction and the SPACE dimensions). */
const GROUPS = ['team', 'survey'] as const;
const answers = (question: string, v: string) => `select s.answered_at as ts, ${v} as v, s.team, s.survey
  from survey_responses s where s.question = ${literal(question)} and s.score is not null`;

const scaleItem = (question: string, title: string, why: string, action: string): MetricDefinition => ({
  name: `dx.survey.${question}`,
  version: 1,
  title,
  unit: 'score (1-5)',
  description: `Mean answer to the "${question}" survey item (1 = worst, 5 = best).`,
  why,
  action,
  direction: 'higher_is_better',
  thresholds: { green: 4, yellow: 3.5 },
  groupBy: GROUPS,
  facts: answers(question, 's.score'),
  aggregate: 'avg(v)',
});

export const dxDefinitions: MetricDefinition[] = [
  {
    name: 'dx.survey.nps',
    version: 1,
    title: 'Developer NPS',
    unit: 'NPS',
    description: 'Net promoter score of the platform: % promoters (9–10) minus % detractors (0–6).',
    why: 'A leading indicator: developers’ dissatisfaction shows here before it shows in delivery metrics.',
    action:
      'Read the detractors’ comments and the friction feedback; fix the top theme and tell people you did.',
    direction: 'higher_is_better',
    thresholds: { green: 50, yellow: 30 },
    groupBy: GROUPS,
    facts: answers('nps', 's.score'),
    aggregate: `100.0 * (avg(case when v >= 9 then 1.0 else 0.0 end) - avg(case when v <= 6 then 1.0 else 0.0 end))`,
  },
  scaleItem(
    'satisfaction',
    'Developer satisfaction',
    'Satisfied developers stay, and they say where the platform hurts.',
    'Compare teams; interview the lowest-scoring team about its top friction.',
  ),
];
