import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { cli } from '../helpers/cli.js';

const dirWith = (yaml: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-cfg-'));
  writeFileSync(join(dir, 'pitwall.yaml'), yaml);
  return dir;
};

describe('the dora: settings of issue 8', () => {
  it('default to a 24 h first-deployment credit and a 60 min retry window', () => {
    const cfg = loadConfig({ cwd: '/nonexistent', env: {} });
    expect(cfg.dora.first_deployment_credit_hours).toBe(24);
    expect(cfg.dora.retry_window_minutes).toBe(60);
    const set = loadConfig({
      cwd: dirWith('dora:\n  first_deployment_credit_hours: 0\n  retry_window_minutes: 15\n'),
      env: {},
    });
    expect([set.dora.first_deployment_credit_hours, set.dora.retry_window_minutes]).toEqual([0, 15]);
    expect(set.dora.production_environments).toEqual(['production', 'prod']);
  });

  it.each([
    [
      'dora:\n  first_deployment_credit_hours: -1\n',
      /config key "dora.first_deployment_credit_hours": must be 0 or more hours \(0: a first deployment credits no commit\)/,
    ],
    [
      'dora:\n  first_deployment_credit_hours: a day\n',
      /config key "dora.first_deployment_credit_hours": expected a number of hours, e.g. 24/,
    ],
    [
      'dora:\n  retry_window_minutes: -5\n',
      /config key "dora.retry_window_minutes": must be 0 or more minutes \(0: every failed deployment counts\)/,
    ],
    [
      'dora:\n  retry_window_minutes: "1h"\n',
      /config key "dora.retry_window_minutes": expected a number of minutes/,
    ],
  ])('names the key and the fix for %j', (yaml, message) => {
    expect(() => loadConfig({ cwd: dirWith(yaml), env: {} })).toThrow(message);
  });

  it('makes a bad value exit 2 from the CLI', async () => {
    const r = await cli(['dora'], { cwd: dirWith('dora:\n  retry_window_minutes: -1\n'), env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config key "dora.retry_window_minutes"/);
  });
});
