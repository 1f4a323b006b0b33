import type { MetricDefinition } from '../registry/types.js';
import { commandsWithProgram } from './command-program.js';
import { median, pct } from './sql.js';

/** The inner loop: commands developers run locally (tests, builds, installs), timed on their machines. */
const GROUPS = ['category', 'repo', 'team', 'command', 'program'] as const;

/**
 * The rows behind every local metric and the inner-loop report: one per command, with its
 * category, repository, the team of the person who ran it (people.login = user_name), who ran
 * it (user_name: only ever counted, distinct, for k-anonymity) and the normalised `program`
 * (command-program.ts). Every local metric is personal: a value over fewer than
 * privacy.min_group_size people is withheld, and explain lists no row (see docs/privacy.md).
 */
export const commandFacts = (v: string, where = 'true', opts: { extra?: string } = {}) =>
  `select c.started_at as ts, ${v} as v, c.category, c.repo, p.team, c.command, c.program, c.user_name${
    opts.extra ? `, ${opts.extra}` : ''
  }
  from ${commandsWithProgram('c')} left join people p on p.login = c.user_name where ${where}`;

/** Every local metric: the person behind a row is who ran the command. */
const PERSONAL = { person: 'user_name', personal: true } as const;

/** Categories whose success says whether the change works: local test and build runs. */
export const CHECK_CATEGORIES = `('test', 'build')`;

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
    ...PERSONAL,
    facts: commandFacts('c.duration_ms / 1000.0'),
    aggregate: median,
  },
  {
    name: 'local.commands.duration_p90_seconds',
    version: 1,
    title: 'Local command time (p90)',
    unit: 'seconds',
    description:
      'The 90th percentile of local command wall time: the slow runs developers remember; group by category, repo or program.',
    why: 'A long tail breaks flow even when the median is fine: a 10-minute test run is a context switch.',
    action:
      'Compare p90 with p50: a wide gap points at cold caches, first builds after a pull or a few slow test files.',
    direction: 'lower_is_better',
    thresholds: { green: 60, yellow: 300 },
    groupBy: GROUPS,
    ...PERSONAL,
    facts: commandFacts('c.duration_ms / 1000.0'),
    aggregate: pct(0.9),
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
    ...PERSONAL,
    facts: commandFacts('case when c.exit_code <> 0 then 1.0 else 0.0 end'),
    aggregate: 'avg(v)',
  },
  {
    name: 'local.commands.test_build_success_rate',
    version: 1,
    title: 'Local test and build success rate',
    unit: 'ratio',
    description: 'Share of local test and build runs that exited zero.',
    why: 'Each failed local run is another wait: a low rate means slow feedback loops repeat, or the setup is broken.',
    action:
      'Group by program and repo: a build that fails on a clean checkout is a setup bug; tests that fail then pass unchanged are flaky.',
    direction: 'higher_is_better',
    thresholds: { green: 0.9, yellow: 0.75 },
    groupBy: GROUPS,
    ...PERSONAL,
    facts: commandFacts(
      'case when c.exit_code = 0 then 1.0 else 0.0 end',
      `c.category in ${CHECK_CATEGORIES}`,
    ),
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
    ...PERSONAL,
    facts: commandFacts('c.duration_ms / 3600000.0'),
    aggregate: 'sum(v)',
  },
  {
    name: 'local.commands.hours_per_week',
    version: 1,
    title: 'Local command hours per week',
    unit: 'hours',
    description: 'Wall time of local commands per 7 days of the window (all people together).',
    why: 'A weekly figure compares across windows of any length and sizes a fix in the unit teams plan in.',
    action: 'Group by program to find the command worth speeding up first (see the chokepoints).',
    direction: 'lower_is_better',
    groupBy: GROUPS,
    ...PERSONAL,
    facts: commandFacts('c.duration_ms / 3600000.0'),
    aggregate: 'sum(v) * 7.0 / {period_days}',
  },
  {
    name: 'local.commands.runs_per_day',
    version: 1,
    title: 'Local command runs per day',
    unit: 'runs',
    description: 'Local commands run per day of the window (all people together, weekends included).',
    why: 'How often a command runs multiplies its duration into waiting time: a 30 s test run 200 times a day is 1.7 h.',
    action: 'A frequent slow command is the best target; a frequent failing one may need a watch mode.',
    direction: 'lower_is_better',
    groupBy: GROUPS,
    ...PERSONAL,
    facts: commandFacts('1'),
    aggregate: 'cast(count(*) as double precision) / {period_days}',
  },
  {
    name: 'local.installs.network_share',
    version: 1,
    title: 'Network share of installs',
    unit: 'ratio',
    description:
      'Of the wall time of install commands whose network time was measured (pitwall run), the share spent with network traffic.',
    why: 'A high share means installs wait on registries or the office link, not on the machine: a caching proxy helps, a faster laptop does not.',
    action:
      'Put a registry mirror or caching proxy close to developers; commit lockfiles so installs resolve less.',
    direction: 'lower_is_better',
    thresholds: { green: 0.3, yellow: 0.6 },
    groupBy: GROUPS,
    ...PERSONAL,
    facts: commandFacts('c.network_ms', `c.category = 'install' and c.network_ms is not null`, {
      extra: 'c.duration_ms as d',
    }),
    aggregate: 'sum(v) / nullif(sum(d), 0)',
  },
];
