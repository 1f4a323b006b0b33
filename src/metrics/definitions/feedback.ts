import type { MetricDefinition } from '../registry/types.js';

/**
 * Feedback and friction reports (the feedback table: POST /api/v1/feedback, the form at
 * /feedback, `pitwall collect feedback`). Personal: the values describe what people said, so a
 * value over fewer than privacy.min_group_size people is withheld. An anonymous report counts
 * as a person of its own: it names nobody, so it cannot give anyone away.
 */
const GROUPS = ['category', 'team'] as const;
const PERSON = `coalesce(f.author, 'anonymous:' || f.id)`;
const rows = (
  where: string,
  v: string,
) => `select f.occurred_at as ts, ${v} as v, coalesce(f.category, 'uncategorised') as category,
  f.team, ${PERSON} as person from feedback f${where}`;

export const feedbackDefinitions: MetricDefinition[] = [
  {
    name: 'dx.feedback.friction_per_week',
    version: 1,
    title: 'Friction reports per week',
    unit: 'reports/week',
    description: 'Feedback entries with sentiment "friction", per week of the window (or bucket).',
    why: 'Friction is where developers lose time and patience; a category that keeps coming back is a platform problem, not a person’s.',
    action:
      'Open the Feedback page: fix the category with the most reports first and tell the reporters you did.',
    direction: 'lower_is_better',
    thresholds: { green: 5, yellow: 15 },
    groupBy: GROUPS,
    person: 'person',
    personal: true,
    facts: rows(` where f.sentiment = 'friction'`, '1'),
    aggregate: 'count(*) * 7.0 / {period_days}',
  },
  {
    name: 'dx.feedback.friction_reports',
    version: 1,
    title: 'Friction reports',
    unit: 'reports',
    description: 'Feedback entries with sentiment "friction" in the window (or bucket).',
    why: 'The count behind the weekly rate: how many times developers told you something got in their way.',
    action:
      'Read the reports of the top category; group them by theme (the Feedback page does) and fix the top one.',
    direction: 'lower_is_better',
    groupBy: GROUPS,
    person: 'person',
    personal: true,
    facts: rows(` where f.sentiment = 'friction'`, '1'),
    aggregate: 'count(*)',
  },
  {
    name: 'dx.feedback.friction_share',
    version: 1,
    title: 'Friction share of feedback',
    unit: '%',
    description: 'Share of all feedback entries that report friction (the rest: praise, ideas, other).',
    why: 'More feedback is good news; more of it being friction is not. The share separates the two.',
    action:
      'If the share climbs while the count of praise falls, ask the teams with the most friction what changed.',
    direction: 'lower_is_better',
    thresholds: { green: 40, yellow: 60 },
    groupBy: GROUPS,
    person: 'person',
    personal: true,
    facts: rows('', `case when f.sentiment = 'friction' then 1.0 else 0.0 end`),
    aggregate: '100.0 * avg(v)',
  },
];
