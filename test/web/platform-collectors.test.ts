import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitwallClient } from '../../src/client/index.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { openStore } from '../../src/store/open.js';
import { demoApps, startArgoServer, type ArgoServer } from '../argocd/argocd-server.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/collect-git.js';
import { openTestStore, queryOnce, storeEnv, type TestStore } from '../helpers/stores.js';
import { startTarget, type Target } from '../health/targets.js';
import { startJenkinsServer, type JenkinsServer } from '../jenkins/server.js';
import { startPrometheus, type PrometheusProcess } from '../prometheus/prometheus-process.js';
import { buildWebApp } from './server.js';
import { launch, settled } from './browser.js';

const USER = 'ci-reader';
const JK_TOKEN = '11a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7';
const ARGO_TOKEN = 'argocd-readonly-token-0123456789';

/**
 * The whole path from the Jenkins and Argo CD compatible servers (and a real HTTP service the
 * health collector probes, and a real Prometheus it queries for cluster capacity) to the page: `pitwall collect jenkins|argocd|health` write their
 * gauges, the real server serves the built web app over that store, and the platform page shows
 * what the collectors sampled.
 */
describe('platform page after collect jenkins, collect argocd and collect health', () => {
  let t: TestStore;
  let out: string;
  let dir: string;
  let jk: JenkinsServer;
  let argo: ArgoServer;
  let portal: Server;
  let exporter: Target;
  let prom: PrometheusProcess;
  let server: RunningServer;
  let store: Awaited<ReturnType<typeof openStore>> | undefined;
  let chrome: Awaited<ReturnType<typeof launch>>;
  let gauges: Map<string, number>;

  beforeAll(async () => {
    out = await buildWebApp('pitwall-web-platform-');
    t = await openTestStore('duckdb');
    await t.store.close();
    dir = mkdtempSync(join(tmpdir(), 'pitwall-platform-'));
    writeFileSync(join(dir, 'pitwall.yaml'), '{}\n');
    jk = await startJenkinsServer({
      root: { name: '', _class: 'hudson.model.Hudson', jobs: [] },
      user: USER,
      token: JK_TOKEN,
    });
    const now = Date.now();
    jk.queue = [600_000, 300_000, 60_000].map((ago, id) => ({
      id,
      why: 'Waiting for next available executor',
      inQueueSince: now - ago,
      stuck: id === 0,
      blocked: false,
      buildable: true,
    }));
    jk.computers = {
      busyExecutors: 4,
      totalExecutors: 8,
      computer: [
        { displayName: 'built-in', offline: false, idle: false, numExecutors: 2 },
        { displayName: 'linux-1', offline: false, idle: false, numExecutors: 2 },
        { displayName: 'linux-2', offline: false, idle: true, numExecutors: 2 },
        { displayName: 'linux-3', offline: true, idle: true, numExecutors: 2 },
      ],
    };
    argo = await startArgoServer(demoApps(), ARGO_TOKEN);
    const run = (args: string[], extra: Record<string, string>) =>
      cli([...args, '--json'], { cwd: dir, env: { ...storeEnv(t), ...extra } });
    const j = await run(['collect', 'jenkins', '--option', `url=${jk.url}`], {
      JENKINS_USER: USER,
      JENKINS_TOKEN: JK_TOKEN,
    });
    expect(j.code, j.stderr).toBe(0);
    const a = await run(['collect', 'argocd', '--option', `url=${argo.url}`], { ARGOCD_TOKEN: ARGO_TOKEN });
    expect(a.code, a.stderr).toBe(0);
    // A service for the health collector to probe: answers 200, so its tile is green.
    portal = createServer((_req, res) => res.writeHead(200).end('ok'));
    await new Promise<void>((ok) => portal.listen(0, '127.0.0.1', ok));
    const portalUrl = `http://127.0.0.1:${(portal.address() as AddressInfo).port}/healthz`;
    // Cluster capacity as a node exporter would give it, scraped by a real Prometheus.
    exporter = await startTarget(
      '# TYPE cluster_cpu_used_percent gauge\ncluster_cpu_used_percent 65\n' +
        '# TYPE cluster_memory_used_percent gauge\ncluster_memory_used_percent 78\n',
    );
    prom = await startPrometheus({ job: 'cluster', target: exporter.host });
    await prom.waitForScrape('cluster');
    const capacity = ['cpu', 'memory'].map((r) => ({
      name: r,
      service: 'kubernetes',
      prometheus_url: prom.url,
      query: `cluster_${r}_used_percent`,
      unit: 'percent',
      warn: 75,
      crit: 90,
    }));
    const h = await run(
      [
        'collect',
        'health',
        '--option',
        `http=[{service: portal, url: "${portalUrl}"}]`,
        '--option',
        `promql=${JSON.stringify(capacity)}`,
      ],
      {},
    );
    expect(h.code, h.stderr).toBe(0);
    const rows = await queryOnce<{ name: string; value: number }>(t, 'select name, value from metric_points');
    gauges = new Map(rows.map((r) => [r.name, Number(r.value)]));
    store = await openStore(t.config);
    server = await startServer({
      store,
      config: testConfig(),
      logger: pino({ level: 'silent' }),
      host: '127.0.0.1',
      port: 0,
      anonymousRead: true,
      webRoot: out,
      schedule: false,
    });
    chrome = await launch();
  }, 300_000);

  afterAll(async () => {
    await chrome?.close();
    await server?.close();
    await store?.close().catch(() => undefined);
    await jk?.stop();
    await argo?.stop();
    await new Promise((ok) => (portal ? portal.close(ok) : ok(undefined)));
    await prom?.stop();
    await exporter?.stop();
    await t?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('shows the sampled queue, agents, Argo CD applications and Prometheus capacity, as the API reads them', async () => {
    // What the collectors wrote: the page must show these, read through the registry.
    expect(gauges.get('jenkins.queue.items')).toBe(3);
    expect(gauges.get('jenkins.agents.busy')).toBe(2);
    expect(gauges.get('argocd.apps.total')).toBe(4);
    const client = new PitwallClient({ baseUrl: server.url });
    const [rate] = (await client.metric('argocd.sync.failure_rate')).values;
    expect(rate!.value).toBe(gauges.get('argocd.sync.failure_rate'));

    const page = await chrome.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/platform`);
    await settled(page);
    expect(errors).toEqual([]);
    const jenkins = page.locator('[data-testid="jenkins-queue"]');
    expect(await jenkins.locator('[data-testid="jenkins-queue-depth"]').textContent()).toBe('3');
    expect(await jenkins.locator('[data-testid="jenkins-queue-threshold"]').textContent()).toBe(
      'within threshold 20',
    );
    expect(await jenkins.locator('[data-testid="jenkins-agents-text"]').textContent()).toBe('2 of 4 busy');
    expect(await jenkins.locator('[data-testid="jenkins-executors-text"]').textContent()).toBe('4 of 8 busy');
    expect(await jenkins.locator('[data-testid="jenkins-queue-stuck"]').textContent()).toBe('Stuck: 1');
    const wait = Number(
      await jenkins.locator('[data-testid="jenkins-queue-wait"]').getAttribute('data-value'),
    );
    expect(wait).toBeCloseTo(gauges.get('jenkins.queue.wait_seconds.avg')! / 60, 9);
    const argocd = page.locator('[data-testid="argocd-sync"]');
    expect(
      Number(await argocd.locator('[data-testid="argocd-failure-rate"]').getAttribute('data-value')),
    ).toBe(rate!.value);
    expect(await argocd.locator('[data-testid="argocd-healthy-text"]').textContent()).toBe(
      `${gauges.get('argocd.apps.healthy')} of 4 healthy`,
    );
    expect(await argocd.locator('[data-testid="argocd-failed-apps"]').textContent()).toBe(
      `Failed syncs: ${gauges.get('argocd.sync.failed_apps')} apps`,
    );
    // The probed service's tile: green, with the latency the collector measured.
    const tile = page.locator('[data-testid="service-tile-portal"]');
    expect(await tile.getAttribute('data-status')).toBe('green');
    expect(Number(await tile.getAttribute('data-latency'))).toBe(gauges.get('health.latency_ms'));
    expect(await page.locator('[data-testid^="service-tile-"]').count()).toBe(1);
    // What Prometheus answered, as capacity bars: CPU within its warning, memory past it.
    const cpu = page.locator('[data-testid="capacity-cpu"]');
    const memory = page.locator('[data-testid="capacity-memory"]');
    expect(Number(await cpu.getAttribute('data-value'))).toBe(65);
    expect(Number(await memory.getAttribute('data-value'))).toBe(78);
    expect(await cpu.locator('.badge').getAttribute('class')).toContain('status-green');
    expect(await memory.locator('.badge').getAttribute('class')).toContain('status-yellow');
    await page.close();
  });
});
