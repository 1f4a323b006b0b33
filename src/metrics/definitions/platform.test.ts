import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../test/helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../../../test/helpers/stores.js';
import type { AnyRecordInput } from '../../domain/records.js';
import { ensureFresh } from '../../enrich/index.js';
import { ingest } from '../../ingest/ingest.js';
import { explainMetric } from '../registry/registry.js';
import { registryFor } from './index.js';

/**
 * Gauges written as the collectors write them: two Jenkins servers sampled twice (the newest
 * sample counts, not a sum over samples), one Argo CD instance, two services; then a last hour
 * of activity by 6 people, and one by 3 (withheld).
 */
const T0 = Date.UTC(2026, 2, 2, 10);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const gauge = (
  name: string,
  minutes: number,
  value: number,
  tags: Record<string, string>,
): AnyRecordInput => ({
  kind: 'metric_point',
  name,
  occurred_at: at(minutes),
  type: 'gauge',
  value,
  tags,
});
const jenkins = (
  server: string,
  minutes: number,
  v: { items: number; wait: number; busy: number; total: number },
) => [
  gauge('jenkins.queue.items', minutes, v.items, { server }),
  gauge('jenkins.queue.wait_seconds.avg', minutes, v.wait, { server }),
  gauge('jenkins.agents.busy', minutes, v.busy, { server }),
  gauge('jenkins.agents.total', minutes, v.total, { server }),
];
const service = (s: string, minutes: number, v: { up: number; ms: number; days: number; state: number }) => [
  gauge('health.up', minutes, v.up, { service: s }),
  gauge('health.latency_ms', minutes, v.ms, { service: s }),
  gauge('health.cert_days_left', minutes, v.days, { service: s }),
  gauge('health.state', minutes, v.state, { service: s }),
];

const records: AnyRecordInput[] = [
  // Day 1: an older sample each; the day after, the newest.
  ...jenkins('ci-a', 0, { items: 40, wait: 900, busy: 15, total: 15 }),
  ...jenkins('ci-b', 0, { items: 1, wait: 60, busy: 1, total: 4 }),
  ...jenkins('ci-a', 24 * 60, { items: 28, wait: 720, busy: 8, total: 15 }),
  ...jenkins('ci-a', 24 * 60 - 30, { items: 99, wait: 1, busy: 1, total: 15 }),
  ...jenkins('ci-b', 24 * 60, { items: 2, wait: 120, busy: 3, total: 5 }),
  gauge('argocd.apps.total', 0, 50, { instance: 'argo' }),
  gauge('argocd.apps.healthy', 0, 50, { instance: 'argo' }),
  gauge('argocd.sync.failed_apps', 0, 0, { instance: 'argo' }),
  gauge('argocd.apps.total', 24 * 60, 53, { instance: 'argo' }),
  gauge('argocd.apps.healthy', 24 * 60, 47, { instance: 'argo' }),
  gauge('argocd.sync.failed_apps', 24 * 60, 6, { instance: 'argo' }),
  ...service('backstage', 0, { up: 0, ms: 5000, days: 40, state: 2 }),
  ...service('backstage', 24 * 60, { up: 1, ms: 210, days: 39, state: 0 }),
  ...service('harbor', 0, { up: 1, ms: 90, days: 13, state: 1 }),
  ...service('harbor', 24 * 60, { up: 1, ms: 95, days: 12, state: 1 }),
  gauge('health.query_state', 24 * 60, 2, { service: 'harbor', check: 'replication_backlog' }),
  gauge('health.query_state', 24 * 60, 0, { service: 'harbor', check: 'scan_queue' }),
  gauge('health.query', 24 * 60, 65, { service: 'kubernetes', check: 'cpu', unit: 'percent' }),
  gauge('health.query', 24 * 60, 78, { service: 'kubernetes', check: 'memory', unit: 'percent' }),
  gauge('health.query', 24 * 60, 247, { service: 'kubernetes', check: 'pods', unit: 'pods' }),
];

const HOUR_START = T0 + 48 * 3_600_000;
const inHour = (m: number) => new Date(HOUR_START + m * 60_000).toISOString();
const DEVS = ['ana', 'ben', 'cho', 'dev', 'eli', 'fay'];
const activity: AnyRecordInput[] = [
  { kind: 'repo', repo: 'acme/api', team: 'core' },
  ...(['success', 'success', 'failure'] as const).map((status, i): AnyRecordInput => ({
    kind: 'deployment',
    id: `d${i}`,
    service: 'api',
    environment: i ? 'production' : 'staging',
    repo: 'acme/api',
    sha: 'a'.repeat(40),
    started_at: inHour(i),
    finished_at: inHour(i + 1),
    status,
    source: 'test',
  })),
  ...DEVS.map((actor, i): AnyRecordInput => ({
    kind: 'pipeline_run',
    repo: 'acme/api',
    run_id: `r${i}`,
    attempt: 1,
    workflow: 'ci',
    created_at: inHour(10 + i),
    started_at: inHour(10 + i),
    completed_at: i === 5 ? null : inHour(20 + i),
    status: i === 5 ? 'in_progress' : 'completed',
    conclusion: i === 5 ? null : i === 4 ? 'failure' : 'success',
    actor,
  })),
  // ana twice (two runs would also be one person); a bot never counts.
  { kind: 'person', login: 'renovate[bot]', is_bot: true },
  {
    kind: 'pipeline_run',
    repo: 'acme/api',
    run_id: 'r-bot',
    attempt: 1,
    workflow: 'ci',
    created_at: inHour(50),
    status: 'queued',
    actor: 'renovate[bot]',
  },
];
// The hour after: three people only.
const small: AnyRecordInput[] = DEVS.slice(0, 3).map((actor, i) => ({
  kind: 'pipeline_run',
  repo: 'acme/api',
  run_id: `s${i}`,
  attempt: 1,
  workflow: 'ci',
  created_at: inHour(70 + i),
  status: 'queued',
  actor,
}));

describe.each(ENGINES)('platform health metrics on %s', (engine) => {
  let t: TestStore;
  const registry = registryFor(testConfig());
  const day2 = { from: new Date(T0 + 12 * 3_600_000), to: new Date(T0 + 36 * 3_600_000) };
  const both = { from: new Date(T0 - 3_600_000), to: new Date(T0 + 36 * 3_600_000) };
  const value = async (name: string, w = both, by?: string) =>
    (await registry.compute(t.store, name, { ...w, by: by ?? null })).map((v) => [v.group, v.value]);

  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(t.store, [...records, ...activity, ...small]);
    // Bots are known once enrichment derived bot_logins.
    await ensureFresh(t.store, testConfig());
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('the newest sample per series, summed over servers; per server when grouped', async () => {
    expect(await value('jenkins.queue.depth')).toEqual([[null, 30]]);
    expect(await value('jenkins.queue.depth', both, 'server')).toEqual([
      ['ci-a', 28],
      ['ci-b', 2],
    ]);
    expect(await value('jenkins.agents.busy')).toEqual([[null, 11]]);
    expect(await value('jenkins.agents.total')).toEqual([[null, 20]]);
    const share = (await value('jenkins.agents.busy_share'))[0]![1];
    expect(share).toBeCloseTo(11 / 20, 12);
    // Average wait over both queues, weighted by their depth: (28×720 + 2×120) / 30 seconds.
    const wait = (await value('jenkins.queue.wait_avg_minutes'))[0]![1];
    expect(wait).toBeCloseTo((28 * 720 + 2 * 120) / 30 / 60, 12);
    const filtered = await registry.compute(t.store, 'jenkins.queue.depth', {
      ...both,
      where: { server: 'ci-b' },
    });
    expect(filtered.map((v) => v.value)).toEqual([2]);
  });

  it('a window that holds only the older samples reads them: the value is the window’s newest', async () => {
    const day1 = { from: new Date(T0 - 3_600_000), to: new Date(T0 + 3_600_000) };
    expect(await value('jenkins.queue.depth', day1)).toEqual([[null, 41]]);
    const trend = await registry.compute(t.store, 'jenkins.queue.depth', { ...both, bucket: 'day' });
    expect(trend.map((v) => [v.bucket!.toISOString().slice(0, 10), v.value])).toEqual([
      ['2026-03-02', 41],
      ['2026-03-03', 30],
    ]);
  });

  it('Argo CD: failure rate and healthy share of all applications', async () => {
    const rate = (await value('argocd.sync.failure_rate', day2))[0]![1];
    expect(rate).toBeCloseTo(6 / 53, 12);
    expect(await value('argocd.apps.healthy', day2)).toEqual([[null, 47]]);
    expect(await value('argocd.apps.total', day2)).toEqual([[null, 53]]);
    const healthy = (await value('argocd.apps.healthy_share', both, 'instance'))[0]![1];
    expect(healthy).toBeCloseTo(47 / 53, 12);
    expect(registry.get('argocd.sync.failure_rate').thresholds).toEqual({ green: 0.1, yellow: 0.2 });
  });

  it('services: state, latency and certificate per service; worst over services; uptime over every check', async () => {
    expect(await value('health.service.state', both, 'service')).toEqual([
      ['backstage', 0],
      ['harbor', 1],
    ]);
    expect(await value('health.service.state')).toEqual([[null, 1]]);
    expect(await value('health.service.latency_ms', both, 'service')).toEqual([
      ['backstage', 210],
      ['harbor', 95],
    ]);
    expect(await value('health.service.cert_days_left')).toEqual([[null, 12]]);
    expect(await value('health.service.up')).toEqual([[null, 1]]);
    expect(await value('health.service.uptime', both, 'service')).toEqual([
      ['backstage', 0.5],
      ['harbor', 1],
    ]);
    expect(await value('health.query.state', both, 'check_name')).toEqual([
      ['replication_backlog', 2],
      ['scan_queue', 0],
    ]);
  });

  it('capacity: only the percent checks, per check; the highest over checks', async () => {
    expect(await value('health.capacity.used_percent', both, 'check_name')).toEqual([
      ['cpu', 65],
      ['memory', 78],
    ]);
    expect(await value('health.capacity.used_percent')).toEqual([[null, 78]]);
  });

  it('explain lists the samples behind a value, with their group columns', async () => {
    const e = await explainMetric(t.store, registry, 'jenkins.queue.depth', {
      ...day2,
      by: 'server',
      group: 'ci-a',
    });
    expect(e.total).toBe(2);
    expect(e.rows.map((r) => r.value).sort()).toEqual([28, 99]);
  });

  it('recent activity over one hour: deployments and builds by result, people withheld below 5', async () => {
    const hour = { from: new Date(HOUR_START), to: new Date(HOUR_START + 3_600_000) };
    const count = async (name: string, by: string | null = null) =>
      (await registry.compute(t.store, name, { ...hour, by })).map((v) => [v.group, v.value]);
    expect(await count('platform.activity.deployments')).toEqual([[null, 3]]);
    expect(await count('platform.activity.deployments', 'status')).toEqual([
      ['failure', 1],
      ['success', 2],
    ]);
    expect(await count('platform.activity.builds')).toEqual([[null, 7]]);
    expect(await count('platform.activity.builds', 'conclusion')).toEqual([
      ['failure', 1],
      ['in_progress', 1],
      ['queued', 1],
      ['success', 4],
    ]);
    const [people] = await registry.compute(t.store, 'platform.activity.developers', hour);
    expect(people).toMatchObject({ value: 6, people: 6 });
    const next = { from: new Date(HOUR_START + 3_600_000), to: new Date(HOUR_START + 2 * 3_600_000) };
    const [few] = await registry.compute(t.store, 'platform.activity.developers', next);
    expect(few!.value).toBeNull();
    expect(few!.withheld).toMatch(/fewer than 5/);
  });
});
