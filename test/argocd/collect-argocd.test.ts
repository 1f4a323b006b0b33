import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, queryOnce, type TestStore } from '../helpers/stores.js';
import { iso, workspace } from '../incidents/helpers.js';
import { demoApps, startArgoServer, type ArgoServer } from './argocd-server.js';

const TOKEN = 'argocd-readonly-token-0123456789';
const sha = (c: string) => c.repeat(40);

type Row = Record<string, unknown>;
const deployments = async (t: TestStore) =>
  (
    await queryOnce<Row>(
      t,
      `select id, service, environment, repo, sha, started_at, finished_at, status, source from deployments order by id`,
    )
  ).map((r): Row => ({ ...r, started_at: iso(r.started_at), finished_at: iso(r.finished_at) }));
const points = async (t: TestStore) =>
  (
    await queryOnce<{ name: string; value: number }>(t, `select name, value from metric_points order by name`)
  ).map((r) => [r.name, Number(r.value)]);

describe.each(ENGINES)('pitwall collect argocd on %s', (engine) => {
  let t: TestStore;
  let argo: ArgoServer;
  let ws: ReturnType<typeof workspace>;
  const collect = (env: Record<string, string> = {}) =>
    ws.run(['collect', 'argocd', '--option', `url=${argo.url}`, '--json'], env);

  beforeEach(async () => {
    t = await openTestStore(engine);
    await t.store.close();
  });
  afterEach(async () => {
    await argo?.stop();
    ws?.cleanup();
    await t?.cleanup();
  });

  it('maps production-like sync history to deployments, a failed last sync to a failed one, and status to metric points', async () => {
    argo = await startArgoServer(demoApps(), TOKEN);
    ws = workspace(t, {}, { ARGOCD_TOKEN: TOKEN });
    const r = await collect();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(JSON.parse(r.stdout)).toMatchObject({
      facts: { incremental: false, applications: 4, production_apps: 3, deployments: 4, skipped: 1 },
    });
    expect(await deployments(t)).toEqual([
      {
        id: 'argocd:checkout:0',
        service: 'checkout',
        environment: 'production',
        repo: 'acme/checkout',
        sha: sha('a'),
        started_at: '2026-11-30T10:00:00.000Z',
        finished_at: '2026-11-30T10:01:00.000Z',
        status: 'success',
        source: 'argocd',
      },
      {
        id: 'argocd:checkout:1',
        service: 'checkout',
        environment: 'production',
        repo: 'acme/checkout',
        sha: sha('b'),
        started_at: '2026-12-01T09:00:00.000Z',
        finished_at: '2026-12-01T09:02:30.000Z',
        status: 'success',
        source: 'argocd',
      },
      {
        id: 'argocd:search:3',
        service: 'search',
        environment: 'prod-eu',
        repo: 'acme/search',
        sha: sha('c'),
        started_at: '2026-11-29T08:00:00.000Z',
        finished_at: '2026-11-29T08:00:40.000Z',
        status: 'success',
        source: 'argocd',
      },
      {
        id: 'argocd:search:op:2026-12-02T14:00:00Z',
        service: 'search',
        environment: 'prod-eu',
        repo: 'acme/search',
        sha: sha('d'),
        started_at: '2026-12-02T14:00:00.000Z',
        finished_at: '2026-12-02T14:03:00.000Z',
        status: 'failure',
        source: 'argocd',
      },
    ]);
    // 4 apps: 3 Healthy (search is Degraded), 1 whose last sync Failed.
    expect(await points(t)).toEqual([
      ['argocd.apps.healthy', 3],
      ['argocd.apps.healthy_share', 0.75],
      ['argocd.apps.total', 4],
      ['argocd.sync.failed_apps', 1],
      ['argocd.sync.failure_rate', 0.25],
    ]);
  });

  it('re-runs add no deployment; a new sync adds exactly one', async () => {
    argo = await startArgoServer(demoApps(), TOKEN);
    ws = workspace(t, {}, { ARGOCD_TOKEN: TOKEN });
    expect((await collect()).code).toBe(0);
    const before = await deployments(t);

    const again = await collect();
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ facts: { incremental: true, deployments: 0 } });
    expect(await deployments(t)).toEqual(before);

    const checkout = argo.apps.find((a) => a.metadata.name === 'checkout')!;
    (checkout.status.history as unknown[]).push({
      id: 2,
      revision: sha('f'),
      deployStartedAt: '2026-12-02T16:00:00Z',
      deployedAt: '2026-12-02T16:01:00Z',
    });
    const third = await collect();
    expect(third.code, third.stderr).toBe(0);
    expect(JSON.parse(third.stdout)).toMatchObject({ facts: { deployments: 1 } });
    const after = await deployments(t);
    expect(after.length).toBe(before.length + 1);
    expect(after.find((d) => d.id === 'argocd:checkout:2')).toMatchObject({
      sha: sha('f'),
      status: 'success',
    });
  });

  it('takes production-like from github.deploy_environment_pattern, the rule every source shares', async () => {
    argo = await startArgoServer(demoApps(), TOKEN);
    ws = workspace(t, { github: { deploy_environment_pattern: '^staging$' } }, { ARGOCD_TOKEN: TOKEN });
    const r = await collect();
    expect(r.code, r.stderr).toBe(0);
    expect((await deployments(t)).map((d) => [d.id, d.environment, d.sha])).toEqual([
      ['argocd:billing:0', 'staging', sha('e')],
    ]);
  });

  it('refuses a bad or missing token with a clear error and writes nothing', async () => {
    argo = await startArgoServer(demoApps(), TOKEN);
    ws = workspace(t, {});
    const bad = await collect({ ARGOCD_TOKEN: 'wrong-token-abcdef' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/Argo CD answered 401 to GET \/api\/v1\/applications: check ARGOCD_TOKEN/);
    expect(bad.stderr + bad.stdout).not.toContain('wrong-token-abcdef');
    expect(argo.hits.map((h) => h.authorization)).toEqual(['Bearer wrong-token-abcdef']);

    const broken = await collect({ ARGOCD_TOKEN: 'secret-part\nother-part' });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/ARGOCD_TOKEN holds a line break/);
    expect(broken.stderr).not.toContain('secret-part');

    const missing = await collect();
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/ARGOCD_TOKEN is not set/);

    expect(await deployments(t)).toEqual([]);
    expect(await points(t)).toEqual([]);
    expect(await queryOnce(t, `select id from sources where id like 'argocd:%'`)).toEqual([]);
  });
});
