import { literal } from '../registry/fragments.js';
import type { MetricDefinition } from '../registry/types.js';
import { humanPrs, notBot } from './sql.js';

/**
 * The SPACE measures the other areas do not already have: activity per developer, review
 * collaboration and the shares behind the survey means (flow days, high load). The NPS bands
 * are the survey area's dx.survey.nps_promoters, _passives and _detractors.
 * Names start with `space.` so they never collide with the survey or GitHub areas.
 */

/**
 * Activity facts: one row per activity of a person (a commit, a PR opened, a review submitted),
 * bots left out, with the person's team (else the repository's, as the PR metrics do). `kind`
 * says which activity; `v` is 1 for the activity the metric counts and 0 for the others, so
 * every active developer is in the denominator of every per-developer average.
 */
export const activityFacts = (counted: 'commit' | 'pr' | 'review') => {
  const v = (k: string) => (k === counted ? '1.0' : '0.0');
  return `select c.committed_at as ts, ${v('commit')} as v, c.author as person, 'commit' as kind, c.repo,
    coalesce(p.team, r.team) as team
  from commits c left join people p on p.login = c.author left join repos r on r.repo = c.repo
  where not c.is_merge and ${notBot('c.author')}
  union all
  ${humanPrs(`pr.created_at as ts, ${v('pr')} as v, pr.author as person, 'pr' as kind`)}
  union all
  select rv.submitted_at as ts, ${v('review')} as v, rv.reviewer as person, 'review' as kind, rv.repo,
    coalesce(p.team, r.team) as team
  from reviews rv left join people p on p.login = rv.reviewer left join repos r on r.repo = rv.repo
  where ${notBot('rv.reviewer')}`;
};

const perDeveloperWeek = (
  counted: 'commit' | 'pr' | 'review',
  name: string,
  title: string,
  what: string,
): MetricDefinition => ({
  name,
  version: 1,
  title,
  unit: 'per developer per week',
  description: `${what} in the window, divided by the developers active in it (anyone who committed, opened a PR or reviewed) and by its length in weeks.`,
  why: 'A team-level activity signal for the SPACE Activity dimension: an average over a team, never a per-person figure or a ranking.',
  action:
    'Read it beside satisfaction and flow: a drop usually means work is blocked elsewhere (review, CI, meetings).',
  direction: 'higher_is_better',
  groupBy: ['team', 'repo'],
  person: 'person',
  // An average over people describes them: withheld below privacy.min_group_size developers.
  personal: true,
  facts: activityFacts(counted),
  aggregate: `sum(v) / nullif(count(distinct person), 0) / ({period_days} / 7.0)`,
});

const SURVEY_GROUPS = ['team', 'survey'] as const;
/** Answers to one construct (its question id until the source maps it), with the respondent. */
const answers = (
  construct: string,
  v: string,
) => `select s.answered_at as ts, ${v} as v, s.respondent, s.team, s.survey
  from survey_responses s where s.question = ${literal(construct)} and s.score is not null`;
const share = (cond: string) => `case when ${cond} then 1.0 else 0.0 end`;

const surveyShare = (
  name: string,
  construct: string,
  cond: string,
  title: string,
  description: string,
  direction: MetricDefinition['direction'],
  why: string,
  action: string,
): MetricDefinition => ({
  name,
  version: 1,
  title,
  unit: 'ratio',
  description,
  why,
  action,
  direction,
  groupBy: SURVEY_GROUPS,
  person: 'respondent',
  personal: true,
  facts: answers(construct, share(cond)),
  aggregate: 'avg(v)',
});

export const spaceDefinitions: MetricDefinition[] = [
  perDeveloperWeek(
    'commit',
    'space.activity.commits_per_developer_week',
    'Commits per developer per week',
    'Non-merge commits by people',
  ),
  perDeveloperWeek(
    'pr',
    'space.activity.prs_per_developer_week',
    'PRs created per developer per week',
    'Pull requests opened by people',
  ),
  perDeveloperWeek(
    'review',
    'space.activity.reviews_per_developer_week',
    'PRs reviewed per developer per week',
    'Reviews submitted by people',
  ),
  {
    name: 'space.reviews.approval_rate',
    version: 1,
    title: 'Approval rate',
    unit: 'ratio',
    description:
      'Share of pull requests by people, closed in the window (merged or not) after a review, that someone other than the author approved.',
    why: 'Reviews that end in approval mean the team agrees on standards; many unapproved reviewed PRs mean rework and friction.',
    action: 'Low: agree on review standards and design earlier (an RFC or a pairing session) before the PR.',
    direction: 'higher_is_better',
    thresholds: { green: 0.9, yellow: 0.8 },
    groupBy: ['repo', 'team'],
    facts: humanPrs(
      `pr.closed_at as ts, ${share('pr.first_approval_at is not null')} as v`,
      'pr.closed_at is not null and pr.first_review_at is not null',
    ),
    aggregate: 'avg(v)',
  },
  {
    name: 'space.prs.cross_team_share',
    version: 1,
    title: 'Cross-team PRs',
    unit: 'ratio',
    description:
      'Share of pull requests by people, merged in the window, whose author is in another team than the one owning the repository (both teams known).',
    why: 'Contributions across team lines spread knowledge and unblock teams without a ticket queue.',
    action: 'Near zero: publish contribution guides and CODEOWNERS so other teams can send changes.',
    direction: 'higher_is_better',
    thresholds: { green: 0.15, yellow: 0.05 },
    // The repository's team: a cross-team PR counts for the team that received it.
    groupBy: ['repo', 'team'],
    facts: `select pr.merged_at as ts, ${share('p.team <> r.team')} as v, pr.repo, r.team
      from pull_requests pr join people p on p.login = pr.author join repos r on r.repo = pr.repo
      where ${notBot('pr.author')} and pr.merged_at is not null and p.team is not null and r.team is not null`,
    aggregate: 'avg(v)',
  },
  surveyShare(
    'space.flow.three_plus_days_share',
    'flow_days',
    's.score >= 3',
    'Flow 3+ days a week',
    'Share of answers to the flow-days question (0–5 days a week in flow) of 3 or more.',
    'higher_is_better',
    'Deep work needs long uninterrupted blocks; three days a week is the SPACE benchmark.',
    'Protect focus time: no-meeting blocks, fewer interrupts, faster CI and reviews.',
  ),
  surveyShare(
    'space.flow.never_share',
    'flow_days',
    's.score = 0',
    'Never in flow',
    'Share of answers to the flow-days question of 0 days a week.',
    'lower_is_better',
    'Developers who never reach flow are the ones burning out or blocked all week.',
    'Ask the affected teams what interrupts them; usually meetings, on-call or waiting.',
  ),
  surveyShare(
    'space.load.high_share',
    'cognitive_load',
    's.score >= 4',
    'High cognitive load (4–5)',
    'Share of cognitive-load answers (1–5, 5 = overwhelmed) of 4 or 5.',
    'lower_is_better',
    'Overloaded developers make mistakes and leave; the mean hides a struggling minority.',
    'Reduce the number of tools and handoffs; golden paths and better docs lower load.',
  ),
];
