import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli } from '../../helpers/cli.js';
import { GrafanaServer } from './server.js';

const TOKEN = 'glsa_cli_secret_5e4d3c2b1a';

describe('pitwall dashboards --target grafana / grafana-postgres', () => {
  const server = new GrafanaServer(TOKEN);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pitwall-grafana-cli-'));
    env = { GRAFANA_URL: await server.start(), GRAFANA_TOKEN: TOKEN };
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('build --out writes the dashboards and the provisioning files for the chosen data source', async () => {
    const out = join(dir, 'grafana');
    const r = await cli(['dashboards', 'build', '--target', 'grafana-postgres', '--out', out], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(join(out, 'dashboards')).sort()).toEqual([
      'pitwall-executive.json',
      'pitwall-platform.json',
      'pitwall-team.json',
      'pitwall-testenv.json',
    ]);
    const ds = parse(readFileSync(join(out, 'provisioning', 'datasources', 'pitwall.yaml'), 'utf8'));
    expect(ds.datasources[0].type).toBe('grafana-postgresql-datasource');
    const exec = JSON.parse(readFileSync(join(out, 'dashboards', 'pitwall-executive.json'), 'utf8'));
    expect(exec.uid).toBe('pitwall-executive');
    expect(JSON.stringify(exec)).toContain('$__timeFrom()');
  });

  it('build on Prometheus warns of each panel split by a group /metrics does not label, and on PostgreSQL of none', async () => {
    const r = await cli(
      ['dashboards', 'build', '--target', 'grafana', '--dashboard', 'testenv', '--out', join(dir, 'prom')],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'pitwall-testenv: "Phase time p90 per week" is split by phase, which /metrics does not label',
    );
    const pg = await cli(
      [
        'dashboards',
        'build',
        '--target',
        'grafana-postgres',
        '--dashboard',
        'testenv',
        '--out',
        join(dir, 'pg'),
      ],
      { cwd: dir },
    );
    expect(pg.stderr).toBe('');
  });

  it('push, push again, edit in Grafana, diff shows the edit; list; the token never printed', async () => {
    const push = await cli(['dashboards', 'push', '--target', 'grafana', '--dashboard', 'platform'], {
      cwd: dir,
      env,
    });
    expect(push.stderr).not.toContain(TOKEN);
    expect(push.code).toBe(0);
    expect(server.dashboards.get('pitwall-platform')!.version).toBe(1);
    const again = await cli(
      ['dashboards', 'push', '--target', 'grafana', '--dashboard', 'platform', '--json'],
      { cwd: dir, env },
    );
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual([
      expect.objectContaining({
        dashboard: 'pitwall-platform',
        action: 'updated',
        remoteId: 'pitwall-platform',
      }),
    ]);
    expect(server.dashboards.get('pitwall-platform')!.version).toBe(2);
    const stored = server.dashboards.get('pitwall-platform')!;
    stored.dashboard = { ...stored.dashboard, description: 'edited by hand' };
    stored.version++;
    const diff = await cli(['dashboards', 'diff', '--target', 'grafana', '--dashboard', 'platform'], {
      cwd: dir,
      env,
    });
    expect(diff.stdout).toMatch(/~ description: ".+ -> "edited by hand"$/m);
    expect(diff.stdout.split('\n').filter((l) => /^\s*[~+\->] /.test(l))).toHaveLength(1);
    const list = await cli(['dashboards', 'list', '--target', 'grafana', '--json'], { cwd: dir, env });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ stableId: 'pitwall-platform', title: stored.dashboard.title }),
    ]);
    for (const r of [push, again, diff, list]) expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('a refused token and a missing URL say what to fix, without the token', async () => {
    const bad = await cli(['dashboards', 'list', '--target', 'grafana'], {
      cwd: dir,
      env: { ...env, GRAFANA_TOKEN: 'glsa_nope_123' },
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/401.*GRAFANA_TOKEN/);
    expect(bad.stderr).not.toContain('glsa_nope_123');
    const missing = await cli(['dashboards', 'push', '--target', 'grafana'], {
      cwd: dir,
      env: { GRAFANA_TOKEN: TOKEN },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/GRAFANA_URL/);
    expect(missing.stderr).not.toContain(TOKEN);
  });
});
