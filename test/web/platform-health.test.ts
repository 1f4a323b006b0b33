import { describe, expect, it } from 'vitest';
import type { AnyRecordInput } from '../../src/domain/records.js';
import { PLATFORM_HEALTH as H } from '../../src/demo/platform-health.js';
import { screenshot } from './browser.js';
import { webPages } from './pages.js';
import { DEMO_END, VIEW } from './server.js';

const iso = (d: string) => `${d}T00:00:00.000Z`;
const WINDOW = { from: iso(VIEW.from), to: iso(VIEW.to) };
const HOUR = { from: new Date(DEMO_END.getTime() - 3_600_000).toISOString(), to: DEMO_END.toISOString() };
const minute = (m: number) => new Date(DEMO_END.getTime() - 3_600_000 + m * 60_000).toISOString();

/** The last hour of the demo as the platform dashboard tells it: 12 deployments, 47 builds, 9 people. */
const DEVS = Array.from({ length: 9 }, (_, i) => `hour-dev-${i}`);
const lastHour: AnyRecordInput[] = [
  ...Array.from({ length: 12 }, (_, i): AnyRecordInput => ({
    kind: 'deployment',
    id: `hour-deploy-${i}`,
    service: `svc-${i % 3}`,
    environment: 'staging',
    sha: 'c'.repeat(40),
    started_at: minute(i * 4),
    finished_at: minute(i * 4 + 2),
    status: i === 5 ? 'failure' : 'success',
    source: 'test',
  })),
  ...Array.from({ length: 47 }, (_, i): AnyRecordInput => ({
    kind: 'pipeline_run',
    repo: 'hour/builds',
    run_id: `hour-run-${i}`,
    attempt: 1,
    workflow: 'ci',
    created_at: minute(i),
    started_at: minute(i),
    completed_at: minute(i + 5),
    status: 'completed',
    conclusion: i < 43 ? 'success' : i < 46 ? 'failure' : 'timed_out',
    actor: DEVS[i % DEVS.length]!,
  })),
];

describe('platform page: real-time health', () => {
  const pages = webPages({ records: lastHour });
  const view = `/platform?from=${VIEW.from}&to=${VIEW.to}`;
  const value = async (name: string, q: Record<string, string> = WINDOW) =>
    (await pages.fx.client.metric(name, q)).values;

  it('service tiles: one per checked service, its status colour and the API’s latency', async () => {
    const api = await value('health.service.latency_ms', { ...WINDOW, by: 'service' });
    expect(api.map((v) => [v.group, v.value])).toEqual(H.services.map((s) => [s.service, s.latencyMs]));
    const page = await pages.open(view);
    const tiles = page.locator('[data-testid^="service-tile-"]');
    expect(await tiles.count()).toBe(H.services.length);
    for (const s of H.services) {
      const tile = page.locator(`[data-testid="service-tile-${s.service}"]`);
      expect(Number(await tile.getAttribute('data-latency'))).toBe(s.latencyMs);
      expect(await tile.locator('[data-testid="service-latency"]').textContent()).toBe(`${s.latencyMs} ms`);
      expect(await tile.getAttribute('data-status')).toBe(s.state ? 'yellow' : 'green');
    }
    expect(await page.locator('[data-testid="service-tile-mattermost"] .badge').textContent()).toBe(
      'Degraded',
    );
    expect(await page.locator('[data-testid="service-tile-backstage"] .badge').textContent()).toBe('Healthy');
    await page.close();
  });

  it('Jenkins: queue depth breaches its threshold; agents and executors busy of total; average wait', async () => {
    const [depth] = await value('jenkins.queue.depth');
    expect(depth!.value).toBe(H.jenkins.queue);
    const page = await pages.open(view);
    const panel = page.locator('[data-testid="jenkins-queue"]');
    expect(
      Number(await panel.locator('[data-testid="jenkins-queue-depth"]').getAttribute('data-value')),
    ).toBe(depth!.value);
    expect(await panel.locator('[data-testid="jenkins-queue-depth"]').textContent()).toBe('28');
    const threshold = panel.locator('[data-testid="jenkins-queue-threshold"]');
    expect(await threshold.getAttribute('data-breach')).toBe('1');
    expect(await threshold.textContent()).toBe('above threshold 20');
    expect(await threshold.getAttribute('class')).toContain('status-red');
    expect(await panel.locator('[data-testid="jenkins-agents-text"]').textContent()).toBe('8 of 15 busy');
    expect(await panel.locator('[data-testid="jenkins-executors-text"]').textContent()).toBe('16 of 30 busy');
    const [wait] = await value('jenkins.queue.wait_avg_minutes');
    expect(await panel.locator('[data-testid="jenkins-queue-wait"]').textContent()).toBe(
      `Average wait: ${wait!.value} minutes`,
    );
    expect(wait!.value).toBe(12);
    await page.close();
  });

  it('Argo CD: the failure rate above its threshold and healthy applications of all', async () => {
    const [rate] = await value('argocd.sync.failure_rate');
    const page = await pages.open(view);
    const panel = page.locator('[data-testid="argocd-sync"]');
    expect(
      Number(await panel.locator('[data-testid="argocd-failure-rate"]').getAttribute('data-value')),
    ).toBe(rate!.value);
    expect(await panel.locator('[data-testid="argocd-failure-rate"]').textContent()).toBe('11.3');
    expect(await panel.locator('[data-testid="argocd-threshold"]').textContent()).toBe('above threshold 10%');
    expect(await panel.locator('[data-testid="argocd-healthy-text"]').textContent()).toBe('47 of 53 healthy');
    expect(await panel.locator('[data-testid="argocd-failed-apps"]').textContent()).toBe(
      'Failed syncs: 6 apps',
    );
    await page.close();
  });

  it('capacity: a bar per percent check, coloured by the check’s state', async () => {
    const api = await value('health.capacity.used_percent', { ...WINDOW, by: 'check_name' });
    const page = await pages.open(view);
    for (const q of H.queries) {
      const row = page.locator(`[data-testid="capacity-${q.check}"]`);
      expect(Number(await row.getAttribute('data-value'))).toBe(api.find((v) => v.group === q.check)!.value);
      expect(Number(await row.getAttribute('data-value'))).toBe(q.value);
      expect(await row.locator('.badge').textContent()).toBe(q.state ? 'warning' : 'ok');
    }
    await page.close();
  });

  it('recent activity: the last hour’s deployments, builds and active developers, as the API counts them', async () => {
    const [deploys] = await value('platform.activity.deployments', HOUR);
    const [builds] = await value('platform.activity.builds', HOUR);
    const [people] = await value('platform.activity.developers', HOUR);
    const page = await pages.open(view);
    const panel = page.locator('[data-testid="recent-activity"]');
    expect(Number(await panel.locator('[data-testid="recent-deployments"]').getAttribute('data-value'))).toBe(
      deploys!.value,
    );
    expect(Number(await panel.locator('[data-testid="recent-builds"]').getAttribute('data-value'))).toBe(
      builds!.value,
    );
    expect(Number(await panel.locator('[data-testid="recent-developers"]').getAttribute('data-value'))).toBe(
      people!.value,
    );
    expect(deploys!.value).toBe(12);
    expect(builds!.value).toBe(47);
    expect(people!.value).toBe(DEVS.length);
    expect(await panel.locator('[data-testid="recent-deployments"]').textContent()).toBe(
      'Deployments: 12 (1 failure, 11 success)',
    );
    expect(await panel.locator('[data-testid="recent-builds"]').textContent()).toBe(
      'Builds: 47 (3 failure, 43 success, 1 timed_out)',
    );
    await screenshot(page, 'platform-real-time-health');
    await page.close();
  });

  it('a window without samples says which collector to configure', async () => {
    const page = await pages.open('/platform?from=2024-01-01&to=2024-02-01');
    expect(await page.locator('[data-testid="jenkins-queue-empty"]').textContent()).toContain('jenkins');
    expect(await page.locator('[data-testid="argocd-sync-empty"]').textContent()).toContain('argocd');
    expect(await page.locator('[data-testid="service-tiles-empty"]').textContent()).toContain('health');
    expect(await page.locator('[data-testid="cluster-capacity-empty"]').textContent()).toContain('health');
    expect(await page.locator('[data-testid="recent-activity-empty"]').count()).toBe(1);
    await page.close();
  });
});
