import { literal } from '../registry/fragments.js';
import type { MetricDefinition } from '../registry/types.js';
import { notBot } from './sql.js';
import { latestFacts, latestQuery, tag, type LatestSpec } from './platform-latest.js';

/**
 * The platform page's real-time health (docs/platform-health.md): the Jenkins queue and agents,
 * Argo CD's sync state and the platform services' health checks, each the newest sample in the
 * window (a trend when bucketed), plus the recent activity the page reads over its last hour.
 * Default thresholds are the ones the platform team's dashboard uses (queue 20, sync failures
 * 10%); `metrics.thresholds` in pitwall.yaml overrides any of them.
 */

type Base = Omit<MetricDefinition, 'groupBy' | 'query' | 'facts' | 'aggregate' | 'version'>;

const latest = (d: Base, spec: LatestSpec): MetricDefinition => ({
  ...d,
  version: 1,
  groupBy: Object.keys(spec.tags),
  explain: latestFacts(spec),
  query: (p) => latestQuery(spec, p),
});

const SERVER = { server: 'server' };
const INSTANCE = { instance: 'instance' };
const SERVICE = { service: 'service' };
const NEWEST = 'The newest sample in the window, per server (summed over servers when not grouped).';

const jenkins: MetricDefinition[] = [
  latest(
    {
      name: 'jenkins.queue.depth',
      title: 'Jenkins build queue depth',
      unit: 'builds',
      description: `Builds waiting in the Jenkins queue. ${NEWEST}`,
      why: 'A queue that grows means builds wait for executors: every developer waits longer for feedback.',
      action: 'Scale up Jenkins agents, or look for stuck builds holding executors.',
      direction: 'lower_is_better',
      thresholds: { green: 20, yellow: 25 },
    },
    { gauges: { items: 'jenkins.queue.items' }, tags: SERVER, value: 'sum(items)' },
  ),
  latest(
    {
      name: 'jenkins.queue.stuck',
      title: 'Stuck Jenkins builds',
      unit: 'builds',
      description: `Queued builds Jenkins marks stuck (waiting far longer than expected). ${NEWEST}`,
      why: 'A stuck build never starts by itself: it usually needs a label or an agent that is gone.',
      action: 'Open the queue in Jenkins; fix the label or bring the agent back.',
      direction: 'lower_is_better',
      thresholds: { green: 0, yellow: 2 },
    },
    { gauges: { stuck: 'jenkins.queue.stuck' }, tags: SERVER, value: 'sum(stuck)' },
  ),
  latest(
    {
      name: 'jenkins.queue.wait_avg_minutes',
      title: 'Jenkins average queue wait',
      unit: 'minutes',
      description:
        'How long the queued builds have waited so far, on average (over servers weighted by their queue; 0 when the queue is empty). The newest sample in the window.',
      why: 'Waiting in the queue is time no one gets back: capacity, not code, decides it.',
      action: 'Add agents for the busy hours, or move long jobs off the shared pool.',
      direction: 'lower_is_better',
      thresholds: { green: 5, yellow: 15 },
    },
    {
      gauges: { wait: 'jenkins.queue.wait_seconds.avg', items: 'jenkins.queue.items' },
      tags: SERVER,
      value: 'coalesce(sum(wait * items) / nullif(sum(items), 0), 0) / 60.0',
    },
  ),
  ...(['agents', 'executors'] as const).flatMap((what): MetricDefinition[] => [
    latest(
      {
        name: `jenkins.${what}.busy`,
        title: `Busy Jenkins ${what}`,
        unit: what,
        description: `Jenkins ${what} running a build. ${NEWEST}`,
        why: `With every ${what.slice(0, -1)} busy, new builds queue.`,
        action: 'Compare with the total: near it, add capacity before the queue grows.',
        direction: 'lower_is_better',
      },
      { gauges: { busy: `jenkins.${what}.busy` }, tags: SERVER, value: 'sum(busy)' },
    ),
    latest(
      {
        name: `jenkins.${what}.total`,
        title: `Jenkins ${what}`,
        unit: what,
        description: `All Jenkins ${what}, online or not. ${NEWEST}`,
        why: `The capacity the busy ${what} are measured against.`,
        action: 'A drop with no change planned means agents went offline: check them.',
        direction: 'higher_is_better',
      },
      { gauges: { total: `jenkins.${what}.total` }, tags: SERVER, value: 'sum(total)' },
    ),
    latest(
      {
        name: `jenkins.${what}.busy_share`,
        title: `Jenkins ${what} busy`,
        unit: 'ratio',
        description: `Busy ${what} of all ${what}. The newest sample in the window, per server.`,
        why: 'Capacity headroom: past about 80% busy, any burst of builds queues.',
        action: 'Add agents (or autoscaling) before this stays above 80%.',
        direction: 'lower_is_better',
        thresholds: { green: 0.8, yellow: 0.9 },
      },
      {
        gauges: { busy: `jenkins.${what}.busy`, total: `jenkins.${what}.total` },
        tags: SERVER,
        value: 'sum(busy) / nullif(sum(total), 0)',
      },
    ),
  ]),
];

const ARGO_NEWEST = 'The newest sample in the window, per Argo CD instance (summed over instances).';
const argocd: MetricDefinition[] = [
  latest(
    {
      name: 'argocd.sync.failure_rate',
      title: 'Argo CD sync failures',
      unit: 'ratio',
      description: `Share of Argo CD applications whose last sync failed. ${ARGO_NEWEST}`,
      why: 'A failed sync means the cluster does not run what git says: changes are not delivered.',
      action: 'Open the failing applications in Argo CD; the sync message names the resource that failed.',
      direction: 'lower_is_better',
      thresholds: { green: 0.1, yellow: 0.2 },
    },
    {
      gauges: { failed: 'argocd.sync.failed_apps', total: 'argocd.apps.total' },
      tags: INSTANCE,
      value: 'sum(failed) / nullif(sum(total), 0)',
    },
  ),
  latest(
    {
      name: 'argocd.sync.failed_apps',
      title: 'Argo CD applications with a failed sync',
      unit: 'apps',
      description: `Applications whose last sync failed. ${ARGO_NEWEST}`,
      why: 'Each is a service whose running version is not the one in git.',
      action: 'Fix the failing syncs, the oldest first.',
      direction: 'lower_is_better',
      thresholds: { green: 0, yellow: 3 },
    },
    { gauges: { failed: 'argocd.sync.failed_apps' }, tags: INSTANCE, value: 'sum(failed)' },
  ),
  latest(
    {
      name: 'argocd.apps.healthy',
      title: 'Healthy Argo CD applications',
      unit: 'apps',
      description: `Applications Argo CD reports Healthy. ${ARGO_NEWEST}`,
      why: 'The applications running as intended.',
      action: 'Compare with the total; open the unhealthy ones in Argo CD.',
      direction: 'higher_is_better',
    },
    { gauges: { healthy: 'argocd.apps.healthy' }, tags: INSTANCE, value: 'sum(healthy)' },
  ),
  latest(
    {
      name: 'argocd.apps.total',
      title: 'Argo CD applications',
      unit: 'apps',
      description: `All applications Argo CD manages. ${ARGO_NEWEST}`,
      why: 'The denominator of the healthy share and the sync failure rate.',
      action: 'A sudden change means applications were added or removed: check it was meant.',
      direction: 'higher_is_better',
    },
    { gauges: { total: 'argocd.apps.total' }, tags: INSTANCE, value: 'sum(total)' },
  ),
  latest(
    {
      name: 'argocd.apps.healthy_share',
      title: 'Argo CD applications healthy',
      unit: 'ratio',
      description: `Healthy applications of all applications. ${ARGO_NEWEST}`,
      why: 'Degraded or missing applications are outages or deployments stuck half way.',
      action: 'Open the unhealthy applications; Argo CD names the resource that is not healthy.',
      direction: 'higher_is_better',
      thresholds: { green: 0.95, yellow: 0.85 },
    },
    {
      gauges: { healthy: 'argocd.apps.healthy', total: 'argocd.apps.total' },
      tags: INSTANCE,
      value: 'sum(healthy) / nullif(sum(total), 0)',
    },
  ),
];

const SVC_NEWEST = 'The newest check in the window, per service';
const health: MetricDefinition[] = [
  latest(
    {
      name: 'health.service.state',
      title: 'Platform service state',
      unit: 'state',
      description: `0 ok, 1 warning, 2 critical, as the health check judged it. ${SVC_NEWEST} (the worst over services when not grouped).`,
      why: 'Developers cannot ship when the portal, the registry or chat is down.',
      action: 'Open the failing service; its latency, status code and certificate say which check failed.',
      direction: 'lower_is_better',
      thresholds: { green: 0, yellow: 1 },
    },
    { gauges: { state: 'health.state' }, tags: SERVICE, value: 'max(state)' },
  ),
  latest(
    {
      name: 'health.service.up',
      title: 'Platform services up',
      unit: 'ratio',
      description: `1 when the service answered its check, else 0. ${SVC_NEWEST} (the share of services up when not grouped).`,
      why: 'A service that does not answer blocks everyone who needs it.',
      action: 'Check the service and its dependencies; the status code says whether it answered at all.',
      direction: 'higher_is_better',
      thresholds: { green: 1, yellow: 0.75 },
    },
    { gauges: { up: 'health.up' }, tags: SERVICE, value: 'avg(up)' },
  ),
  latest(
    {
      name: 'health.service.latency_ms',
      title: 'Platform service latency',
      unit: 'ms',
      description: `How long the health check took to answer. ${SVC_NEWEST} (the slowest when not grouped).`,
      why: 'A slow portal or registry slows every build and every developer who uses it.',
      action: 'Look at the service’s load and dependencies; compare with its trend.',
      direction: 'lower_is_better',
      thresholds: { green: 500, yellow: 1000 },
    },
    { gauges: { ms: 'health.latency_ms' }, tags: SERVICE, value: 'max(ms)' },
  ),
  latest(
    {
      name: 'health.service.cert_days_left',
      title: 'Days until a certificate expires',
      unit: 'days',
      description: `Days left on the service’s TLS certificate. ${SVC_NEWEST} (the soonest when not grouped).`,
      why: 'An expired certificate is an outage nobody needed to have.',
      action: 'Renew the certificate (or fix its automatic renewal) before it reaches two weeks.',
      direction: 'higher_is_better',
      thresholds: { green: 30, yellow: 14 },
    },
    { gauges: { days: 'health.cert_days_left' }, tags: SERVICE, value: 'min(days)' },
  ),
  {
    name: 'health.service.uptime',
    version: 1,
    title: 'Platform service uptime',
    unit: 'ratio',
    description: 'Share of health checks in the window the service answered (every check counts once).',
    why: 'Availability over time: short outages the newest check misses show here.',
    action: 'Below target, read the service’s incidents and the checks that failed.',
    direction: 'higher_is_better',
    thresholds: { green: 0.999, yellow: 0.99 },
    groupBy: ['service'],
    facts: `select occurred_at as ts, value as v, ${tag('service')} as service from metric_points where name = ${literal('health.up')}`,
    aggregate: 'avg(v)',
  },
  latest(
    {
      name: 'health.query.state',
      title: 'Platform query checks',
      unit: 'state',
      description: `0 ok, 1 warning, 2 critical, per query check of a service (group by check_name). ${SVC_NEWEST} and check (the worst when not grouped).`,
      why: 'A query check watches what a plain request cannot (a backlog, an error rate).',
      action: 'Group by check_name to see which one fails, then open the service.',
      direction: 'lower_is_better',
      thresholds: { green: 0, yellow: 1 },
    },
    {
      gauges: { state: 'health.query_state' },
      // `check` is a reserved word in SQL: the group-by is named `check_name`.
      tags: { service: 'service', check_name: 'check' },
      value: 'max(state)',
    },
  ),
  latest(
    {
      name: 'health.capacity.used_percent',
      title: 'Platform capacity used',
      unit: 'percent',
      description: `The value of each PromQL check whose unit is percent (CPU, memory, disk used). ${SVC_NEWEST} and check (the highest when not grouped).`,
      why: 'A cluster near its limits fails deployments and slows builds before anything is down.',
      action: 'Above 80%: add nodes or lower requests before the next release, not during it.',
      direction: 'lower_is_better',
      thresholds: { green: 80, yellow: 90 },
    },
    {
      gauges: { used: 'health.query' },
      tags: { service: 'service', check_name: 'check' },
      value: 'max(used)',
      where: `${tag('unit')} = ${literal('percent')}`,
    },
  ),
];

/** Everyone who did something in the window, from every source that names a person. */
const people = `select c.committed_at as ts, c.author as person, p.team from commits c left join people p on p.login = c.author where ${notBot('c.author')}
  union all select pr.created_at, pr.author, p.team from pull_requests pr left join people p on p.login = pr.author where ${notBot('pr.author')}
  union all select rv.submitted_at, rv.reviewer, p.team from reviews rv left join people p on p.login = rv.reviewer where ${notBot('rv.reviewer')}
  union all select r.created_at, r.actor, p.team from pipeline_runs r left join people p on p.login = r.actor where r.actor is not null and ${notBot('r.actor')}
  union all select m.started_at, m.user_name, p.team from commands m left join people p on p.login = m.user_name`;

const activity: MetricDefinition[] = [
  {
    name: 'platform.activity.deployments',
    version: 1,
    title: 'Deployments',
    unit: 'deployments',
    description: 'Deployments to any environment that finished (or started, while running) in the window.',
    why: 'What the platform shipped just now; a burst of failures shows before any daily metric moves.',
    action: 'Group by status: a failed one is worth a look before the next deploy.',
    direction: 'higher_is_better',
    groupBy: ['status', 'environment', 'service', 'repo', 'team'],
    facts: `select coalesce(d.finished_at, d.started_at) as ts, d.id as deployment, d.status, d.environment, d.service, d.repo, r.team
      from deployments d left join repos r on r.repo = d.repo`,
    aggregate: 'count(*)',
  },
  {
    name: 'platform.activity.builds',
    version: 1,
    title: 'Builds',
    unit: 'runs',
    description:
      'Pipeline runs (each attempt) created in the window, finished or not; `conclusion` is its result or its status while running.',
    why: 'The load on CI right now and how much of it fails.',
    action: 'Group by conclusion; many failures or timeouts at once point at CI itself.',
    direction: 'higher_is_better',
    groupBy: ['conclusion', 'workflow', 'repo', 'team'],
    facts: `select r.created_at as ts, r.run_id as run, coalesce(r.conclusion, r.status) as conclusion, r.workflow, r.repo, rp.team
      from pipeline_runs r left join repos rp on rp.repo = r.repo`,
    aggregate: 'count(*)',
  },
  {
    name: 'platform.activity.developers',
    version: 1,
    title: 'Active developers',
    unit: 'people',
    description:
      'Distinct people (bots excluded) who committed, opened a PR, reviewed, started a pipeline or ran a local command in the window. A person known by two names (an email in git, a login on the forge) counts twice unless `people` links them.',
    why: 'How many people the platform serves at this moment: the load behind every other number here.',
    action: 'Read it beside builds and deployments: activity with no builds points at a stalled CI.',
    direction: 'higher_is_better',
    groupBy: ['team'],
    person: 'person',
    personal: true,
    facts: people,
    aggregate: 'cast(count(distinct person) as double precision)',
  },
];

export const platformDefinitions: MetricDefinition[] = [...jenkins, ...argocd, ...health, ...activity];
