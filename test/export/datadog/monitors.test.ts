import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v1 } from '@datadog/datadog-api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.js';
import { startFakeDatadog, validateModel, type FakeDatadog } from '../../datadog/server.js';

const yaml = (url: string, yellow: number) => `datadog:
  api_url: ${url}
metrics:
  thresholds:
    ci.runs.duration_p90_minutes: { green: 20, yellow: ${yellow} }
    ci.runs.success_rate: { green: 0.95, yellow: 0.85 }
notify:
  channels:
    log: { type: slack, webhook_url_env: SLACK_HOOK }
alerts:
  - name: slow-ci
    metric: ci.runs.duration_p90_minutes
    when: above
    threshold: 45
    by: team
    channels: [log]
  - name: deploys-drop
    metric: dora.deploys.count
    when: change
    threshold: -0.3
    channels: [log]
`;

describe('pitwall monitors build|push', () => {
  let dd: FakeDatadog;
  let dir: string;
  const env = () => ({ DD_API_KEY: dd.apiKey, DD_APP_KEY: 'test-app-key' });

  beforeAll(async () => {
    dd = await startFakeDatadog();
    dir = mkdtempSync(join(tmpdir(), 'pitwall-monitors-'));
    writeFileSync(join(dir, 'pitwall.yaml'), yaml(dd.url, 40));
  });
  afterAll(async () => {
    await dd?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds health, threshold and alert-rule monitors the client model accepts', async () => {
    const r = await cli(['monitors', 'build', '--out', 'out'], { cwd: dir, env: {} });
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(join(dir, 'out')).sort();
    expect(files).toEqual(
      [
        'alert-slow-ci.json',
        'exporter-no-data.json',
        'exporter-rate-limited.json',
        'source-failing.json',
        'threshold-ci.runs.duration_p90_minutes.json',
        'threshold-ci.runs.success_rate.json',
      ].sort(),
    );
    const bodies = Object.fromEntries(
      files.map((f) => [f, JSON.parse(readFileSync(join(dir, 'out', f), 'utf8'))]),
    );
    for (const b of Object.values(bodies)) validateModel(v1.ObjectSerializer, b, 'Monitor');
    expect(bodies['exporter-no-data.json'].options).toMatchObject({
      notify_no_data: true,
      no_data_timeframe: 30,
    });
    expect(bodies['threshold-ci.runs.duration_p90_minutes.json'].query).toBe(
      'avg(last_2d):avg:ci.runs.duration_p90_minutes{*} > 40',
    );
    expect(bodies['threshold-ci.runs.success_rate.json'].query).toMatch(/< 0\.85$/);
    expect(bodies['alert-slow-ci.json'].query).toContain('by {team} > 45');
  });

  it('push creates, then leaves alone, then updates by key; every body validated; bad keys refused', async () => {
    const first = await cli(['monitors', 'push', '--json'], { cwd: dir, env: env() });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).monitors.every((m: { action: string }) => m.action === 'created')).toBe(
      true,
    );
    expect(dd.monitors.size).toBe(6);
    const again = await cli(['monitors', 'push', '--json'], { cwd: dir, env: env() });
    expect(JSON.parse(again.stdout).monitors.every((m: { action: string }) => m.action === 'unchanged')).toBe(
      true,
    );

    writeFileSync(join(dir, 'pitwall.yaml'), yaml(dd.url, 50));
    const dry = await cli(['monitors', 'push', '--dry-run', '--json'], { cwd: dir, env: env() });
    const planned = JSON.parse(dry.stdout).monitors.filter(
      (m: { action: string }) => m.action !== 'unchanged',
    );
    expect(planned).toEqual([
      expect.objectContaining({ key: 'threshold-ci.runs.duration_p90_minutes', action: 'updated' }),
    ]);
    const puts = () => dd.requests.filter((r) => r.method === 'PUT').length;
    expect(puts()).toBe(0);
    const upd = await cli(['monitors', 'push', '--json'], { cwd: dir, env: env() });
    expect(upd.code, upd.stderr).toBe(0);
    expect(puts()).toBe(1);
    expect(dd.monitors.size).toBe(6);
    expect([...dd.monitors.values()].some((m) => String(m.query).endsWith('> 50'))).toBe(true);
    expect(dd.requests.every((r) => r.status === 200)).toBe(true);

    const noApp = await cli(['monitors', 'push'], { cwd: dir, env: { DD_API_KEY: dd.apiKey } });
    expect(noApp.code).toBe(2);
    expect(noApp.stderr).toMatch(/DD_APP_KEY/);
  });
});
