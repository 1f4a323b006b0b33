import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboards } from '../../../src/dashboards/definitions/index.js';
import { diffDashboards } from '../../../src/dashboards/diff.js';
import { grafanaTarget } from '../../../src/dashboards/grafana/target.js';
import type { TargetContext } from '../../../src/dashboards/targets.js';
import { PitwallError } from '../../../src/errors/errors.js';
import { registryFor } from '../../../src/metrics/definitions/index.js';
import { testConfig } from '../../helpers/collect-git.js';
import { GrafanaServer } from './server.js';

const TOKEN = 'glsa_test_9f8e7d6c5b4a_0123456789abcdef';
const config = testConfig();
const registry = registryFor(config);
const spec = dashboards.executive;

describe('Grafana push, pull, list and diff against a Grafana-compatible HTTP API', () => {
  const server = new GrafanaServer(TOKEN);
  let ctx: TargetContext;
  beforeAll(async () => {
    const url = await server.start();
    ctx = { registry, config, env: { GRAFANA_URL: url, GRAFANA_TOKEN: TOKEN }, cwd: process.cwd() };
  });
  afterAll(() => server.stop());

  it('build -> push (create) -> push (update, same uid) -> edit in Grafana -> pull -> diff shows exactly the edit', async () => {
    const target = grafanaTarget('postgres');
    const built = target.build(spec, { registry });
    const first = await target.push(spec, built, ctx);
    expect(first).toMatchObject({ action: 'created', remoteId: 'pitwall-executive' });
    expect(first.url).toBe(`${server.url}/d/pitwall-executive/pitwall-engineering-health`);
    expect(server.folders.get('pitwall')).toBe('Pitwall');
    const stored = server.dashboards.get('pitwall-executive')!;
    expect(stored.version).toBe(1);
    expect(stored.folderUid).toBe('pitwall');

    const again = await target.push(spec, target.build(spec, { registry }), ctx);
    expect(again).toMatchObject({ action: 'updated', remoteId: 'pitwall-executive' });
    expect(server.dashboards.size).toBe(1);
    expect(server.dashboards.get('pitwall-executive')!.version).toBe(2);
    const saves = server.requests.filter((r) => r.path === '/api/dashboards/db');
    expect(saves.map((r) => r.status)).toEqual([200, 200]);
    for (const r of saves) {
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.body).toMatchObject({
        folderUid: 'pitwall',
        overwrite: true,
        dashboard: { uid: 'pitwall-executive', id: null },
      });
    }

    // Someone edits the live dashboard the way Grafana's UI saves: with the version they loaded.
    const live = (await (
      await fetch(`${server.url}/api/dashboards/uid/pitwall-executive`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      })
    ).json()) as {
      dashboard: {
        version: number;
        panels: {
          title: string;
          fieldConfig?: { defaults: { thresholds?: { steps: { value: number | null }[] } } };
        }[];
      };
    };
    const panel = live.dashboard.panels.find((p) => p.title === 'Deployment frequency')!;
    const before = panel.fieldConfig!.defaults.thresholds!.steps[2]!.value;
    panel.fieldConfig!.defaults.thresholds!.steps[2]!.value = 99;
    const stale = await fetch(`${server.url}/api/dashboards/db`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ dashboard: { ...live.dashboard, version: 1 }, folderUid: 'pitwall' }),
    });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({ status: 'version-mismatch' });
    const edit = await fetch(`${server.url}/api/dashboards/db`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ dashboard: live.dashboard, folderUid: 'pitwall' }),
    });
    expect(edit.status).toBe(200);
    expect(server.dashboards.get('pitwall-executive')!.version).toBe(3);

    const pulled = await target.pull('pitwall-executive', ctx);
    expect(pulled).not.toBeNull();
    const changes = diffDashboards(target.comparable(built), target.comparable(pulled!));
    expect(changes).toEqual([
      {
        kind: 'changed',
        path: 'panels["Deployment frequency"].fieldConfig.defaults.thresholds.steps[2].value',
        from: before,
        to: 99,
      },
    ]);

    // A push puts the generated dashboard back over the edit, and diff is then empty.
    await target.push(spec, built, ctx);
    expect(server.dashboards.get('pitwall-executive')!.version).toBe(4);
    expect(
      diffDashboards(
        target.comparable(built),
        target.comparable((await target.pull('pitwall-executive', ctx))!),
      ),
    ).toEqual([]);
    expect(await target.pull('pitwall-nope', ctx)).toBeNull();
  });

  it('list finds Pitwall dashboards by tag, per data source flavour', async () => {
    const prom = grafanaTarget('prometheus');
    await prom.push(dashboards.platform, prom.build(dashboards.platform, { registry }), ctx);
    const search = server.requests.filter((r) => r.path.startsWith('/api/search'));
    expect(await grafanaTarget('postgres').list(ctx)).toEqual([
      {
        stableId: 'pitwall-executive',
        remoteId: 'pitwall-executive',
        title: spec.title,
        url: `${server.url}/d/pitwall-executive/pitwall-engineering-health`,
      },
    ]);
    expect((await prom.list(ctx)).map((d) => d.stableId)).toEqual(['pitwall-platform']);
    expect(server.requests.filter((r) => r.path.startsWith('/api/search')).length).toBe(search.length + 2);
    expect(server.requests.at(-1)!.path).toBe('/api/search?tag=pitwall&type=dash-db');
  });

  it('a wrong token is refused with a message that says what to check and never shows the token', async () => {
    const target = grafanaTarget('prometheus');
    const bad = { ...ctx, env: { ...ctx.env, GRAFANA_TOKEN: 'glsa_wrong_secret_value' } };
    const err = await target.pull('pitwall-executive', bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PitwallError);
    expect((err as PitwallError).code).toBe('unauthorized');
    expect((err as Error).message).toMatch(/401.*GRAFANA_TOKEN/);
    expect((err as Error).message).not.toContain('glsa_wrong_secret_value');
    for (const r of server.requests) expect(JSON.stringify(r.body ?? '')).not.toContain(TOKEN);
  });

  it('names the missing or bad setting before any request', async () => {
    const target = grafanaTarget('prometheus');
    const n = server.requests.length;
    const missing = await target.list({ ...ctx, env: {} }).catch((e: unknown) => e);
    expect((missing as PitwallError).code).toBe('invalid_config');
    expect((missing as Error).message).toMatch(/GRAFANA_URL.*GRAFANA_TOKEN/);
    const badUrl = await target
      .list({ ...ctx, env: { GRAFANA_URL: 'grafana.local', GRAFANA_TOKEN: TOKEN } })
      .catch((e: unknown) => e);
    expect((badUrl as Error).message).toMatch(/GRAFANA_URL "grafana.local" is not a URL/);
    expect((badUrl as Error).message).not.toContain(TOKEN);
    const badFolder = await target
      .list({ ...ctx, env: { ...ctx.env, GRAFANA_FOLDER: 'a b' } })
      .catch((e: unknown) => e);
    expect((badFolder as Error).message).toMatch(/GRAFANA_FOLDER "a b"/);
    expect(server.requests.length).toBe(n);
  });
});
