import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../../src/dashboards/diff.js';
import { cli } from '../../helpers/cli.js';
import { bodyProblems, startFakeDatadogDashboards, type FakeDatadogDashboards } from './server.js';

let dd: FakeDatadogDashboards;
let dir: string;
let env: NodeJS.ProcessEnv;
const run = (...args: string[]) => cli(['dashboards', ...args], { cwd: dir, env });
type Widget = { id?: number; definition: Record<string, unknown> & { widgets?: Widget[] } };

beforeAll(async () => {
  dd = await startFakeDatadogDashboards();
  dir = mkdtempSync(join(tmpdir(), 'pitwall-dd-dash-'));
  writeFileSync(join(dir, 'pitwall.yaml'), `datadog:\n  api_url: ${dd.url}\n  max_retries: 2\n`);
  env = { DD_API_KEY: dd.apiKey, DD_APP_KEY: dd.appKey };
});
afterAll(async () => {
  await dd.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Datadog-compatible dashboards server', () => {
  it('refuses an unknown widget type, a missing required field and an unknown field, as the client models say', () => {
    const ok = {
      title: 'x',
      layout_type: 'ordered',
      widgets: [{ definition: { type: 'note', content: 'hi' } }],
    };
    expect(bodyProblems(ok)).toEqual([]);
    expect(
      bodyProblems({ ...ok, widgets: [{ definition: { type: 'bogus_widget', content: 'hi' } }] }),
    ).not.toEqual([]);
    expect(bodyProblems({ title: 'x', widgets: [] }).join()).toMatch(/layoutType|layout_type/);
    expect(bodyProblems({ ...ok, colour: 'red' }).join()).toMatch(/colour/);
  });
});

describe('pitwall dashboards --target datadog round trip', () => {
  let ids: Record<string, string>;

  beforeEach(() => {
    dd.faults.length = 0;
  });

  it('push creates the four dashboards, each body accepted by the client models', async () => {
    const r = await run('push', '--target', 'datadog', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const pushed = JSON.parse(r.stdout) as { dashboard: string; action: string; remoteId: string }[];
    expect(pushed.map((p) => [p.dashboard, p.action])).toEqual([
      ['pitwall-executive', 'created'],
      ['pitwall-platform', 'created'],
      ['pitwall-team', 'created'],
      ['pitwall-testenv', 'created'],
    ]);
    ids = Object.fromEntries(pushed.map((p) => [p.dashboard, p.remoteId]));
    expect(dd.stored.size).toBe(4);
    expect(dd.requests.filter((q) => q.method === 'POST' && q.status === 200)).toHaveLength(4);
    for (const d of dd.stored.values()) expect(bodyProblems(d)).toEqual([]);
    const testenv = dd.stored.get(ids['pitwall-testenv']!)!;
    const groups = (testenv['widgets'] as Widget[]).map((w) => w.definition['title']);
    expect(groups).toEqual([
      'Provisioning performance',
      'Breakdown by phase',
      'Volume and reliability',
      'Optimisation impact',
      'Repository breakdown',
    ]);
  });

  it('push again updates the same dashboards: same ids, no duplicate', async () => {
    const r = await run('push', '--target', 'datadog', '--json');
    expect(r.code).toBe(0);
    const pushed = JSON.parse(r.stdout) as { dashboard: string; action: string; remoteId: string }[];
    expect(pushed.every((p) => p.action === 'updated')).toBe(true);
    expect(Object.fromEntries(pushed.map((p) => [p.dashboard, p.remoteId]))).toEqual(ids);
    expect(dd.stored.size).toBe(4);
    expect(dd.requests.filter((q) => q.method === 'PUT' && q.status === 200)).toHaveLength(4);
  });

  it('finds by the stable id even after the dashboard was renamed by hand', async () => {
    dd.edit(ids['pitwall-executive']!, (d) => (d['title'] = 'Renamed in the UI'));
    const r = await run('push', '--target', 'datadog', '--dashboard', 'executive', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject([{ action: 'updated', remoteId: ids['pitwall-executive'] }]);
    expect(dd.stored.get(ids['pitwall-executive']!)!['title']).toBe('Pitwall: Engineering health');
    expect(dd.stored.size).toBe(4);
  });

  it('list shows the four by stable id', async () => {
    const r = await run('list', '--target', 'datadog', '--json');
    expect(r.code).toBe(0);
    const listed = JSON.parse(r.stdout) as { stableId: string; remoteId: string }[];
    expect(Object.fromEntries(listed.map((l) => [l.stableId, l.remoteId]))).toEqual(ids);
  });

  it('diff finds nothing right after a push (server-managed fields and widget ids ignored)', async () => {
    const r = await run('diff', '--target', 'datadog', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { dashboard: string; live: boolean; changes: Change[] }[];
    expect(out.map((d) => [d.dashboard, d.live, d.changes])).toEqual([
      ['pitwall-executive', true, []],
      ['pitwall-platform', true, []],
      ['pitwall-team', true, []],
      ['pitwall-testenv', true, []],
    ]);
  });

  it('an edit made on the server: pull returns it and diff shows exactly that edit', async () => {
    dd.edit(ids['pitwall-testenv']!, (d) => {
      const perf = (d['widgets'] as Widget[])[0]!;
      const p90 = perf.definition.widgets![1]!;
      p90.definition['precision'] = 3;
    });
    const pulled = await run('pull', '--target', 'datadog', '--dashboard', 'testenv');
    expect(pulled.code).toBe(0);
    const live = JSON.parse(pulled.stdout) as { id: string; widgets: Widget[] };
    expect(live.id).toBe(ids['pitwall-testenv']);
    expect(live.widgets[0]!.definition.widgets![1]!.definition['precision']).toBe(3);

    const r = await run('diff', '--target', 'datadog', '--json');
    const out = JSON.parse(r.stdout) as { dashboard: string; changes: Change[] }[];
    expect(out.find((d) => d.dashboard === 'pitwall-testenv')!.changes).toEqual([
      {
        kind: 'changed',
        path: 'widgets["Provisioning performance"].definition.widgets["Test-environment provisioning time (p90)"].definition.precision',
        from: 1,
        to: 3,
      },
    ]);
    for (const d of out.filter((x) => x.dashboard !== 'pitwall-testenv')) expect(d.changes).toEqual([]);

    const text = await run('diff', '--target', 'datadog', '--dashboard', 'testenv');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      '~ widgets["Provisioning performance"].definition.widgets["Test-environment provisioning time (p90)"].definition.precision: 1 -> 3',
    );
  });

  it('pull --out writes the live dashboards as files', async () => {
    const r = await run('pull', '--target', 'datadog', '--out', 'live');
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'live')).sort()).toEqual([
      'pitwall-executive.datadog.live.json',
      'pitwall-platform.datadog.live.json',
      'pitwall-team.datadog.live.json',
      'pitwall-testenv.datadog.live.json',
    ]);
    const team = JSON.parse(readFileSync(join(dir, 'live', 'pitwall-team.datadog.live.json'), 'utf8')) as {
      id: string;
    };
    expect(team.id).toBe(ids['pitwall-team']);
  });

  it('retries a 429 and a 503 (the client backs off) and still updates in place', async () => {
    dd.faults.push(429, 503);
    const r = await run('push', '--target', 'datadog', '--dashboard', 'team', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject([{ action: 'updated', remoteId: ids['pitwall-team'] }]);
    expect(dd.requests.filter((q) => q.status === 429 || q.status === 503)).toHaveLength(2);
    expect(dd.stored.size).toBe(4);
  });

  it("a refusal exits 1 with Datadog's own reason", async () => {
    dd.faults.push(400);
    const r = await run('push', '--target', 'datadog', '--dashboard', 'team');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /listing Datadog dashboards to find pitwall-team failed: Datadog answered 400: Invalid query/,
    );
    expect(dd.stored.size).toBe(4);
  });

  it('never prints a key, and a refused key exits 2 saying what to check', async () => {
    const bad = await cli(['dashboards', 'push', '--target', 'datadog', '--dashboard', 'team'], {
      cwd: dir,
      env: { DD_API_KEY: 'wrong-api-key-123', DD_APP_KEY: 'wrong-app-key-456' },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Datadog answered 403: check DD_API_KEY and DD_APP_KEY/);
    expect(bad.stderr).not.toMatch(/unexpected error/);
    expect(bad.stderr + bad.stdout).not.toMatch(/wrong-api-key-123|wrong-app-key-456/);
    const all = await run('list', '--target', 'datadog');
    expect(all.stdout + all.stderr).not.toContain(dd.apiKey);
    expect(all.stdout + all.stderr).not.toContain(dd.appKey);
  });

  it('two dashboards with one stable id: exits 2 naming both, changes nothing', async () => {
    const copy = structuredClone(dd.stored.get(ids['pitwall-platform']!)!);
    copy['id'] = 'dup-dup-dup';
    dd.stored.set('dup-dup-dup', copy);
    const before = JSON.stringify([...dd.stored.values()]);
    const r = await run('push', '--target', 'datadog', '--dashboard', 'platform');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pitwall_id: pitwall-platform');
    expect(r.stderr).toContain('dup-dup-dup');
    expect(JSON.stringify([...dd.stored.values()])).toBe(before);
    dd.stored.delete('dup-dup-dup');
  });
});

describe('pitwall dashboards: bad input', () => {
  it('exits 2 naming the flag, before anything is sent or written', async () => {
    const sent = dd.requests.length;
    const cases: [string[], RegExp][] = [
      [['build', '--target', 'newrelic'], /--target "newrelic".*datadog/],
      [
        ['build', '--target', 'datadog', '--dashboard', 'sales'],
        /--dashboard "sales".*executive, platform, team, testenv/,
      ],
      [['push', '--target', 'datadog', '--dashboard', 'sales'], /--dashboard "sales"/],
      [['build', '--target', 'datadog', '--colour', 'red'], /--colour/],
      [['build'], /--target/],
      [['frobnicate', '--target', 'datadog'], /frobnicate/],
    ];
    for (const [args, msg] of cases) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(msg);
    }
    expect(dd.requests.length).toBe(sent);
  });

  it('build --out naming a file exits 2 and writes nothing', async () => {
    writeFileSync(join(dir, 'afile'), 'x');
    const r = await run('build', '--target', 'datadog', '--out', 'afile');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out afile is a file/);
    expect(readFileSync(join(dir, 'afile'), 'utf8')).toBe('x');
  });

  it('without keys exits 2 naming DD_API_KEY', async () => {
    const r = await cli(['dashboards', 'list', '--target', 'datadog'], { cwd: dir, env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DD_API_KEY/);
  });

  it('build queries the names the exporter sends, with datadog.prefix when set, and names panels that stay empty', async () => {
    const other = mkdtempSync(join(tmpdir(), 'pitwall-dd-prefix-'));
    try {
      writeFileSync(join(other, 'pitwall.yaml'), 'datadog:\n  prefix: acme\n');
      const r = await cli(['dashboards', 'build', '--target', 'datadog', '--out', '.'], {
        cwd: other,
        env: {},
      });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('(by category) shows only the ungrouped value in Datadog');
      expect(r.stderr).not.toContain('(by phase)');
      const text = readFileSync(join(other, 'pitwall-testenv.datadog.json'), 'utf8');
      expect(text).toContain('avg:acme.testenv.provision.duration_p50_minutes{');
      expect(text).not.toMatch(/"(avg|sum):testenv\./);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('build writes one valid file per dashboard', async () => {
    const r = await run('build', '--target', 'datadog', '--out', 'built', '--json');
    expect(r.code).toBe(0);
    const files = readdirSync(join(dir, 'built')).sort();
    expect(files).toEqual([
      'pitwall-executive.datadog.json',
      'pitwall-platform.datadog.json',
      'pitwall-team.datadog.json',
      'pitwall-testenv.datadog.json',
    ]);
    for (const f of files)
      expect(bodyProblems(JSON.parse(readFileSync(join(dir, 'built', f), 'utf8')))).toEqual([]);
  });
});
