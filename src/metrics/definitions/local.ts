import type { MetricDefinition } from '../registry/types.js';
import { median } from './sql.js';

/** The inner loop: commands developers run locally (tests, builds, installs), timed on their machines. */
const GROUPS = ['category', 'repo', 'team', 'command'] as const;
const commands = (
  v: string,
  where = 'true',
) => `select c.started_at as ts, ${v} as v, c.category, c.repo, p.team, c.command
  from commands c left join people p on p.login = c.user_name where ${where}`;

export const localDefinitions: MetricDefinition[] = [
  {
    name: 'local.commands.duration_p50_seconds',
    version: 1,
    title: 'Local command time (median)',
    unit: 'seconds',
    description:
      'Median wall time of commands run on developers’ machines; group by category (test, build, lint, install).',
    why: 'The inner loop runs dozens of times a day: seconds here are hours a week per developer.',
    action:
      'Find the slowest category, then its slowest commands; cache, parallelise or narrow them (e.g. affected tests only).',
    direction: 'lower_is_better',
    thresholds: { green: 30, yellow: 120 },
    groupBy: GROUPS,
    facts: commands('c.duration_ms / 1000.0'),
    aggregate: median,
  },
  {
    name: 'local.commands.failure_rate',
    version: 1,
    title: 'Local command failure rate',
    unit: 'ratio',
    description: 'Share of local commands that exited non-zero.',
    why: 'Broken local tooling sends developers to debug their environment instead of their change.',
    action: 'Group by command to find broken setup steps; fix the docs or the script.',
    direction: 'lower_is_better',
    thresholds: { green: 0.1, yellow: 0.25 },
    groupBy: GROUPS,
    facts: commands('case when c.exit_code <> 0 then 1.0 else 0.0 end'),
    aggregate: 'avg(v)',
  },
  {
    name: 'local.commands.wait_hours',
    version: 1,
    title: 'Hours spent waiting on local commands',
    unit: 'hours',
    description: 'Total wall time of all local commands in the window.',
    why: 'The headline cost of the inner loop, in developer hours.',
    action: 'Multiply by your hourly cost to size the value of faster tooling.',
    direction: 'lower_is_better',
    groupBy: GROUPS,
    facts: commands('c.duration_ms / 3600000.0'),
    aggregate: 'sum(v)',
  },
];
