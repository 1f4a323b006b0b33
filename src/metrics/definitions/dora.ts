import type { Config } from '../../config/schema.js';
import type { MetricDefinition } from '../registry/types.js';
import { doraTiers } from '../dora/tiers.js';
import { countedDuration, negativeDuration, RULES } from './left-out.js';

const deployedAt = 'coalesce(d.finished_at, d.started_at)';
/**
 * The UTC day of a deployment as a timestamp, not a `date`: PostgreSQL turns a date into a
 * timestamp with time zone under date_trunc (the session's zone), and its driver reads a date
 * as local midnight, so a `date` column answers differently on the two engines.
 */
const deployDay = `date_trunc('day', ${deployedAt})`;
const hours = (a: string, b: string) => `(extract(epoch from (${b} - ${a})) / 3600.0)`;
/**
 * Each service's repository (the first by name when it deploys from several). Compared
 * byte-wise: min() of text follows the collation, and a PostgreSQL whose locale ignores
 * punctuation picks 'demo/ab' over 'demo/a-c' where DuckDB picks the other.
 */
const serviceRepo = `(select service, min(repo collate "C") as repo from deployments group by service)`;
const GROUPS = ['service', 'team', 'repo'] as const;
/** Which incident systems (pagerduty, opsgenie, github, manual...) the incidents in an outcome's evidence came from. */
const incidentSources = `(select string_agg(distinct i.source, ' ' order by i.source) from incidents i
  where o.reason in ('status', 'incident', 'incident_attributed')
    and position(' ' || i.id || ' ' in ' ' || coalesce(o.evidence, '') || ' ') > 0)`;

/** DORA's four keys over production deployments; "production" and the tiers come from config. */
export function doraDefinitions(config: Config): MetricDefinition[] {
  const t = doraTiers(config);
  return [
    {
      name: 'dora.deploys.days_per_week',
      version: 1,
      title: 'Deployment frequency',
      unit: 'days/week',
      description:
        'Median, over the complete weeks of the window, of the number of days with at least one successful production deployment.',
      why: 'Small, frequent deployments shorten feedback loops and make each change less risky.',
      action:
        'Shrink batch size: merge smaller PRs, automate the release path, remove manual approval gates.',
      direction: 'higher_is_better',
      thresholds: { green: t.deploy_days_per_week.elite, yellow: t.deploy_days_per_week.high },
      groupBy: GROUPS,
      explain: `select ${deployedAt} as ts, ${deployDay} as day, d.id as deployment, d.service, d.environment,
                d.sha, d.repo, r.team from deployments d left join repos r on r.repo = d.repo
                where d.is_production and d.status = 'success'`,
      query: (p) => `with d as (select * from (
  select ${deployDay} as day, d.service, d.repo, r.team
  from deployments d left join repos r on r.repo = d.repo
  where d.is_production and d.status = 'success' and ${deployedAt} >= $1::timestamp and ${deployedAt} < $2::timestamp
) x where true${p.where}), weeks as (
  select g.week from generate_series(date_trunc('week', $1::timestamp + interval '6 days'), $2::timestamp - interval '7 days', interval '7 days') as g(week)
), grps as (select distinct ${p.group(p.by ?? 'null')} as grp from d),
by_group as (
  select date_trunc('week', day) as week, ${p.group(p.by ?? 'null')} as grp, count(distinct day) as days
  from d group by 1, 2
), by_week as (select date_trunc('week', day) as week, count(distinct day) as days from d group by 1),
-- Counted once per week and group, then joined: a subquery per week grew with the window.
-- A null group (no group-by, or rows without the column) counts every deployment of the week.
per_week as (
  select w.week, g.grp, coalesce(case when g.grp is null then a.days else b.days end, 0) as days
  from weeks w cross join grps g
  left join by_group b on b.week = w.week and b.grp = g.grp
  left join by_week a on a.week = w.week
)
select ${p.bucket('week')} as bucket, grp, percentile_cont(0.5) within group (order by days) as value
from per_week group by 1, 2 order by 1, 2`,
    },
    {
      name: 'dora.deploys.count',
      version: 1,
      title: 'Production deployments',
      unit: 'deployments',
      description: 'Successful production deployments in the window.',
      why: 'The raw volume behind deployment frequency.',
      action: 'Compare with deploy-days: many deployments on few days means batching.',
      direction: 'higher_is_better',
      groupBy: GROUPS,
      facts: `select ${deployedAt} as ts, d.id as deployment, d.service, d.environment, d.sha, d.repo, r.team
              from deployments d left join repos r on r.repo = d.repo where d.is_production and d.status = 'success'`,
      aggregate: 'count(*)',
    },
    ...(['median', 'p90'] as const).map((q): MetricDefinition => ({
      name: `dora.lead_time.${q}_hours`,
      version: 1,
      title: `Lead time for changes (${q === 'median' ? 'median' : '90th percentile'})`,
      unit: 'hours',
      description:
        'Per commit: its first successful production deployment containing it (by git ancestry) finished, minus the commit time. Merge commits excluded.',
      why: 'How long a finished change waits before users get it: the delivery pipeline’s speed.',
      action:
        'Find the slowest phase (review, CI, release cadence) in the PR cycle breakdown and shorten it.',
      direction: 'lower_is_better',
      thresholds: { green: t.lead_time_hours.elite, yellow: t.lead_time_hours.high },
      groupBy: GROUPS,
      // One row per commit and service, at its first production deployment in any production
      // environment (derived by enrich into commit_deliveries, which says why one is left out).
      facts: `select deployed_at as ts, lead_hours as v, sha as commit, committed_at, deployment_id as deployment,
                environment, service, repo, team from commit_deliveries where left_out is null`,
      aggregate: `percentile_cont(${q === 'median' ? 0.5 : 0.9}) within group (order by v)`,
      leftOut: {
        rows: `select deployed_at as ts, left_out as reason, lead_hours as v, sha as commit, committed_at,
                deployment_id as deployment, environment, service, repo, team from commit_deliveries where left_out is not null`,
        reasons: {
          baseline: RULES.baseline(config.dora.first_deployment_credit_hours),
          negative: RULES.negative('the lead time'),
        },
      },
    })),
    {
      name: 'dora.change_failure.rate',
      version: 1,
      title: 'Change failure rate',
      unit: 'ratio',
      description:
        'Share of production deployments that failed: failed status, a linked or attributed incident, a reverted commit, or a hotfix deployed next.',
      why: 'Speed without stability just moves work into firefighting.',
      action:
        'Read the failed deployments (pitwall dora explain) and add the test or check that would have caught them.',
      direction: 'lower_is_better',
      thresholds: { green: t.change_failure_rate.elite, yellow: t.change_failure_rate.high },
      groupBy: GROUPS,
      facts: `select ${deployedAt} as ts, case when o.failed then 1.0 else 0.0 end as v, d.id as deployment, d.status,
              o.reason, o.evidence, ${incidentSources} as incident_source, d.service, d.repo, r.team
              from deployments d join deployment_outcomes o on o.deployment_id = d.id left join repos r on r.repo = d.repo
              where o.left_out is null`,
      aggregate: 'avg(v)',
      leftOut: {
        rows: `select ${deployedAt} as ts, o.left_out as reason, d.id as deployment, d.status, d.sha, o.evidence,
                d.service, d.repo, r.team
                from deployments d join deployment_outcomes o on o.deployment_id = d.id left join repos r on r.repo = d.repo
                where o.left_out is not null`,
        reasons: { retried: RULES.retried(config.dora.retry_window_minutes) },
      },
    },
    {
      name: 'dora.rework.rate',
      version: 1,
      title: 'Rework rate',
      unit: 'ratio',
      description:
        'Share of production deployments that were unplanned remediation: they shipped a revert or a hotfix commit (DORA 2024’s fifth metric).',
      why: 'Deployments spent fixing the last one are deployments not spent delivering value.',
      action:
        'Look at what the reverts and hotfixes fixed (pitwall dora explain --metric dora.rework.rate) and test for it earlier.',
      direction: 'lower_is_better',
      thresholds: { green: 0.05, yellow: 0.1 },
      groupBy: GROUPS,
      // A stream's first deployment ships old reverts and hotfixes as its baseline: not rework.
      facts: `select ${deployedAt} as ts, case when exists (select 1 from deployment_commits dc join commits c on c.repo = dc.repo and c.sha = dc.sha
                where dc.deployment_id = d.id and not coalesce(dc.baseline, false)
                  and (c.is_hotfix or c.reverts_sha is not null)) then 1.0 else 0.0 end as v,
              d.id as deployment, d.service, d.sha, d.repo, r.team
              from deployments d left join repos r on r.repo = d.repo where d.is_production and d.status = 'success'`,
      aggregate: 'avg(v)',
    },
    {
      name: 'dora.restore.median_hours',
      version: 1,
      title: 'Time to restore service (MTTR)',
      unit: 'hours',
      description:
        'Median time from an incident being opened to being resolved, for incidents opened in the window.',
      why: 'Failures will happen; recovering fast limits their cost.',
      action: 'Invest in rollback automation, alerting and runbooks for the slowest services.',
      direction: 'lower_is_better',
      thresholds: { green: t.time_to_restore_hours.elite, yellow: t.time_to_restore_hours.high },
      groupBy: ['service', 'team', 'repo'],
      facts: `select i.opened_at as ts, ${hours('i.opened_at', 'i.resolved_at')} as v, i.id as incident, i.resolved_at,
              i.source as incident_source, i.caused_by_deployment, i.service, s.repo, r.team
              from incidents i left join ${serviceRepo} s on s.service = i.service
              left join repos r on r.repo = s.repo where i.resolved_at is not null and ${countedDuration(hours('i.opened_at', 'i.resolved_at'))}`,
      aggregate: 'percentile_cont(0.5) within group (order by v)',
      leftOut: {
        rows: `select i.opened_at as ts, 'negative' as reason, ${hours('i.opened_at', 'i.resolved_at')} as v, i.id as incident,
                i.resolved_at, i.service, s.repo, r.team
                from incidents i left join ${serviceRepo} s on s.service = i.service
                left join repos r on r.repo = s.repo where ${negativeDuration(hours('i.opened_at', 'i.resolved_at'))}`,
        reasons: { negative: RULES.negative('the incident') },
      },
    },
    {
      name: 'dora.recovery.failed_deployment_hours',
      version: 1,
      title: 'Failed deployment recovery time',
      unit: 'hours',
      description:
        'Median time from a failed production deployment to its restoration (incidents resolved, or the next healthy deployment). The 2023 report’s replacement for MTTR.',
      why: 'Measures recovery from the failures your own changes cause.',
      action: 'Make rollback one command; deploy smaller changes so the fix is obvious.',
      direction: 'lower_is_better',
      thresholds: { green: t.time_to_restore_hours.elite, yellow: t.time_to_restore_hours.high },
      groupBy: GROUPS,
      facts: `select ${deployedAt} as ts, ${hours(deployedAt, 'o.restored_at')} as v, d.id as deployment, o.reason,
              o.evidence, ${incidentSources} as incident_source, o.restored_at, d.service, d.repo, r.team
              from deployments d join deployment_outcomes o on o.deployment_id = d.id left join repos r on r.repo = d.repo
              where o.failed and o.restored_at is not null and ${countedDuration(hours(deployedAt, 'o.restored_at'))}`,
      aggregate: 'percentile_cont(0.5) within group (order by v)',
      leftOut: {
        rows: `select ${deployedAt} as ts, 'negative' as reason, ${hours(deployedAt, 'o.restored_at')} as v, d.id as deployment,
                o.reason as failure, o.evidence, o.restored_at, d.service, d.repo, r.team
                from deployments d join deployment_outcomes o on o.deployment_id = d.id left join repos r on r.repo = d.repo
                where o.failed and ${negativeDuration(hours(deployedAt, 'o.restored_at'))}`,
        reasons: { negative: RULES.negative('the recovery') },
      },
    },
  ];
}
