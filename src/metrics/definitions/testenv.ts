import { literal } from '../registry/fragments.js';
import type { MetricDefinition } from '../registry/types.js';
import { minutesBetween, pct } from './sql.js';

/**
 * Test-environment provisioning, from spans: the root span `testenv.provision` (request to
 * ready) and its phase children (`testenv.checks`, `testenv.kubernetes`, `testenv.wait_ready`).
 */
const ROOT = literal('testenv.provision');
const GROUPS = ['repo', 'team'] as const;
const provisions = (
  v: string,
  where = 'true',
) => `select s.started_at as ts, ${v} as v, s.repo, s.team, s.failure_category as failure, s.name as phase
  from spans s where s.name = ${ROOT} and ${where}`;

const leadTime = (p: number, green: number, yellow: number): MetricDefinition => ({
  name: `testenv.provision.duration_p${Math.round(p * 100)}_minutes`,
  version: 1,
  title: `Test-environment provisioning time (p${Math.round(p * 100)})`,
  unit: 'minutes',
  description: `${Math.round(p * 100)}th percentile of successful provisionings, from request to environment ready.`,
  why: 'Developers wait for an environment before they can test a change: this is that wait.',
  action: 'Look at the phase breakdown; if CI checks dominate, provision as soon as images are built.',
  direction: 'lower_is_better',
  thresholds: { green, yellow },
  groupBy: GROUPS,
  facts: provisions(
    minutesBetween('s.started_at', 's.ended_at'),
    `s.status = 'ok' and s.ended_at is not null`,
  ),
  aggregate: pct(p),
});

export const testenvDefinitions: MetricDefinition[] = [
  leadTime(0.5, 10, 15),
  leadTime(0.9, 15, 25),
  leadTime(0.99, 25, 40),
  {
    name: 'testenv.provision.success_rate',
    version: 1,
    title: 'Provisioning success rate',
    unit: 'ratio',
    description: 'Share of provisioning requests that ended ready: success / (success + failed).',
    why: 'A failed environment costs a developer the whole wait plus the retry.',
    action: 'Break failures down by category: timeouts mean slow builds, k8s errors mean infrastructure.',
    direction: 'higher_is_better',
    thresholds: { green: 0.95, yellow: 0.9 },
    groupBy: [...GROUPS, 'failure'],
    facts: provisions(`case when s.status = 'ok' then 1.0 else 0.0 end`, `s.status <> 'unset'`),
    aggregate: 'avg(v)',
  },
  {
    name: 'testenv.provision.count',
    version: 1,
    title: 'Environments provisioned',
    unit: 'provisions',
    description: 'Provisioning requests started in the window (successful or not).',
    why: 'Usage of test environments; justifies the infrastructure behind them.',
    action: 'Read with the success rate and duration to size capacity.',
    direction: 'higher_is_better',
    groupBy: [...GROUPS, 'failure'],
    facts: provisions('1'),
    aggregate: 'count(*)',
  },
  {
    name: 'testenv.phase.duration_p50_minutes',
    version: 1,
    title: 'Provisioning phase time (median)',
    unit: 'minutes',
    description:
      'Median duration of each provisioning phase (CI checks, Kubernetes, waiting for readiness); group by phase.',
    why: 'Shows which phase to optimise first.',
    action: 'Attack the phase with the largest median; the CI-checks wait is often avoidable.',
    direction: 'lower_is_better',
    groupBy: [...GROUPS, 'phase'],
    facts: `select c.started_at as ts, ${minutesBetween('c.started_at', 'c.ended_at')} as v, c.repo, c.team, c.name as phase
            from spans c join spans r on r.span_id = c.parent_id and r.name = ${ROOT} where c.ended_at is not null`,
    aggregate: pct(0.5),
  },
];
