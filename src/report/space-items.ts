import type { Direction } from '../metrics/registry/types.js';
import type { SpaceDimension } from './space-config.js';

/**
 * The measures of each SPACE dimension: a registry metric, its target and which way is good.
 * Targets are the seed's (ADR-025, SPACE deep dive) where it gives one; `null` means the
 * registry's green threshold. An item whose metric is not in the registry (a survey construct
 * or friction metric not loaded yet) is listed as missing, not dropped silently.
 */
export interface SpaceItem {
  id: string;
  dimension: SpaceDimension;
  metric: string;
  title: string;
  target: number | null;
  /** Shown but never scored: a breakdown or a count with no meaningful target. */
  informational?: boolean;
}

export const SPACE_ITEMS: readonly SpaceItem[] = [
  { id: 'nps', dimension: 'satisfaction', metric: 'dx.survey.nps', title: 'NPS', target: 65 },
  {
    id: 'satisfaction',
    dimension: 'satisfaction',
    metric: 'dx.survey.satisfaction',
    title: 'Satisfaction (1–5)',
    target: 4,
  },
  {
    id: 'tool_satisfaction',
    dimension: 'satisfaction',
    metric: 'dx.survey.tool_satisfaction',
    title: 'Tool satisfaction (1–5)',
    target: 4,
  },
  {
    id: 'deploy_frequency',
    dimension: 'performance',
    metric: 'dora.deploys.days_per_week',
    title: 'Deployment frequency',
    target: null,
  },
  {
    id: 'lead_time',
    dimension: 'performance',
    metric: 'dora.lead_time.median_hours',
    title: 'Lead time for changes',
    target: null,
  },
  {
    id: 'change_failure_rate',
    dimension: 'performance',
    metric: 'dora.change_failure.rate',
    title: 'Change failure rate',
    target: 0.15,
  },
  {
    id: 'time_to_restore',
    dimension: 'performance',
    metric: 'dora.restore.median_hours',
    title: 'Time to restore (MTTR)',
    target: null,
  },
  {
    id: 'commits_per_developer',
    dimension: 'activity',
    metric: 'space.activity.commits_per_developer_week',
    title: 'Commits per developer per week',
    target: 10,
  },
  {
    id: 'prs_per_developer',
    dimension: 'activity',
    metric: 'space.activity.prs_per_developer_week',
    title: 'PRs created per developer per week',
    target: 2,
  },
  {
    id: 'reviews_per_developer',
    dimension: 'activity',
    metric: 'space.activity.reviews_per_developer_week',
    title: 'PRs reviewed per developer per week',
    target: 3,
  },
  {
    id: 'time_to_first_review',
    dimension: 'communication',
    metric: 'github.prs.time_to_first_review_hours',
    title: 'Time to first review',
    target: 12,
  },
  {
    id: 'comments_per_pr',
    dimension: 'communication',
    metric: 'github.prs.comments_per_pr',
    title: 'Comments per PR',
    target: 2,
  },
  {
    id: 'approval_rate',
    dimension: 'communication',
    metric: 'space.reviews.approval_rate',
    title: 'Approval rate',
    target: 0.9,
  },
  {
    id: 'cross_team_prs',
    dimension: 'communication',
    metric: 'space.prs.cross_team_share',
    title: 'Cross-team PRs',
    target: 0.15,
  },
  {
    id: 'flow_three_plus',
    dimension: 'efficiency',
    metric: 'space.flow.three_plus_days_share',
    title: 'In flow 3+ days a week',
    target: 0.6,
  },
  {
    id: 'flow_never',
    dimension: 'efficiency',
    metric: 'space.flow.never_share',
    title: 'Never in flow',
    target: 0.1,
  },
  {
    id: 'valuable_work',
    dimension: 'efficiency',
    metric: 'dx.survey.valuable_work_share',
    title: 'Time on valuable work (%)',
    target: 60,
  },
  {
    id: 'friction_reports',
    dimension: 'efficiency',
    metric: 'dx.feedback.friction_reports',
    title: 'Friction reports',
    target: null,
    informational: true,
  },
  {
    id: 'cognitive_load',
    dimension: 'efficiency',
    metric: 'dx.survey.cognitive_load',
    title: 'Cognitive load (1–5, 5 = overwhelmed)',
    target: 3.5,
  },
  {
    id: 'high_load',
    dimension: 'efficiency',
    metric: 'space.load.high_share',
    title: 'High cognitive load (4–5)',
    target: 0.2,
  },
];

/** The NPS breakdown shown under Satisfaction (% of answers; not scored on their own). */
export const NPS_BREAKDOWN = {
  promoters: 'dx.survey.nps_promoters',
  passives: 'dx.survey.nps_passives',
  detractors: 'dx.survey.nps_detractors',
} as const;

/** The survey construct that scores a dimension directly when it has answers. */
export const dimensionConstruct = (d: SpaceDimension) => `dx.survey.space_${d}`;

/** Directions for metrics the registry may not hold yet (a survey construct still to come). */
export const FALLBACK_DIRECTION: Record<string, Direction> = {
  'dx.survey.cognitive_load': 'lower_is_better',
  'dx.feedback.friction_reports': 'lower_is_better',
};
