import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../../src/demo/generate.js';
import { backstageSamples, PLATFORM_HEALTH as H } from '../../src/demo/platform-health.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingestBatches } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

const END = new Date('2025-03-01T00:00:00Z');
const DAY = 86_400_000;

/**
 * The demo's platform gauges, read back through the registry: any window reaching the demo's end
 * holds its final sample, the platform team's dashboard (queue 28 against 20, agents 8 of 15,
 * 47 of 53 applications healthy, four services), and uptime counts every check.
 */
describe.each(ENGINES)('demo platform health through the registry on %s', (engine) => {
  let t: TestStore;
  const config = testConfig();
  const registry = registryFor(config);
  const week = { from: new Date(END.getTime() - 7 * DAY), to: END };
  const v = async (name: string, by: string | null = null, w = week) =>
    (await registry.compute(t.store, name, { ...w, by })).map((x) => [x.group, x.value]);

  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingestBatches(t.store, createDemo({ developers: 6, days: 14, seed: 3, end: END }).batches(10_000));
    await ensureFresh(t.store, config);
  }, 240_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it('Jenkins: queue depth above its threshold, agents busy of total, average wait', async () => {
    expect(await v('jenkins.queue.depth', 'server')).toEqual([[H.jenkins.server, H.jenkins.queue]]);
    expect(H.jenkins.queue).toBeGreaterThan(registry.get('jenkins.queue.depth').thresholds!.green);
    expect(await v('jenkins.agents.busy')).toEqual([[null, H.jenkins.agents.busy]]);
    expect(await v('jenkins.agents.total')).toEqual([[null, H.jenkins.agents.total]]);
    expect(await v('jenkins.executors.busy_share')).toEqual([
      [null, H.jenkins.executors.busy / H.jenkins.executors.total],
    ]);
    expect(await v('jenkins.queue.wait_avg_minutes')).toEqual([[null, H.jenkins.waitSeconds / 60]]);
    expect(await v('jenkins.queue.stuck')).toEqual([[null, H.jenkins.stuck]]);
  });

  it('Argo CD: sync failure rate and healthy applications of all', async () => {
    const rate = (await v('argocd.sync.failure_rate', 'instance'))[0]![1];
    expect(rate).toBeCloseTo(H.argocd.failed / H.argocd.total, 12);
    expect(await v('argocd.apps.healthy')).toEqual([[null, H.argocd.healthy]]);
    expect(await v('argocd.apps.total')).toEqual([[null, H.argocd.total]]);
  });

  it('services: the four of them with their state, latency and certificate days', async () => {
    expect(await v('health.service.latency_ms', 'service')).toEqual(
      H.services.map((s) => [s.service, s.latencyMs]),
    );
    expect(await v('health.service.state', 'service')).toEqual(H.services.map((s) => [s.service, s.state]));
    expect(await v('health.service.cert_days_left', 'service')).toEqual(
      H.services.map((s) => [s.service, s.certDays]),
    );
    expect(await v('health.query.state', 'check_name')).toEqual(H.queries.map((q) => [q.check, q.state]));
    expect(await v('health.capacity.used_percent', 'check_name')).toEqual(
      H.queries.map((q) => [q.check, q.value]),
    );
    // Uptime over the whole demo: every check counts, and backstage failed some of them.
    const all = { from: new Date(END.getTime() - 14 * DAY), to: END };
    const demo = { start: all.from.getTime(), end: END.getTime() };
    const { n, down } = backstageSamples(demo, all.from.getTime(), all.to.getTime());
    expect(down).toBeGreaterThan(0);
    const uptime = Object.fromEntries(await v('health.service.uptime', 'service', all));
    expect(uptime.backstage).toBeCloseTo((n - down) / n, 12);
    expect(uptime.harbor).toBe(1);
  });

  it('a window ending before the last sample reads an earlier one: the trend moves', async () => {
    const trend = await registry.compute(t.store, 'jenkins.queue.depth', { ...week, bucket: 'day' });
    expect(trend).toHaveLength(7);
    expect(trend.at(-1)!.value).toBe(H.jenkins.queue);
    expect(new Set(trend.map((x) => x.value)).size).toBeGreaterThan(1);
  });
});
