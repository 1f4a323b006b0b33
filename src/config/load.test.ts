import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/helpers/cli.js';
import { loadConfig } from './load.js';

const dirWith = (yaml: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-cfg-'));
  writeFileSync(join(dir, 'pitwall.yaml'), yaml);
  return dir;
};

describe('config', () => {
  it('defaults without a file, and lets the environment choose the store', () => {
    const cfg = loadConfig({ cwd: '/nonexistent', env: { DATABASE_URL: 'postgres://x@h/db' } });
    expect(cfg.store.database_url).toBe('postgres://x@h/db');
    expect(cfg.dora.production_environments).toEqual(['production', 'prod']);
    expect(Object.isFrozen(cfg.dora)).toBe(true);
  });

  it('reads pitwall.yaml and resolves the DuckDB path against it', () => {
    const dir = dirWith('store:\n  duckdb_path: data/x.duckdb\ndora:\n  production_environments: [live]\n');
    const cfg = loadConfig({ cwd: dir, env: {} });
    expect(cfg.store.duckdb_path).toBe(join(dir, 'data/x.duckdb'));
    expect(cfg.dora.production_environments).toEqual(['live']);
  });

  it.each([
    ['dora:\n  production_environments: []\n', /config key "dora.production_environments"/],
    ['dora:\n  incident_attribution_hours: -1\n', /config key "dora.incident_attribution_hours"/],
    ['gti:\n  x: 1\n', /Unrecognized key.*gti|config key ""/],
    [
      'git:\n  hotfix_patterns: ["(unclosed"]\n',
      /"git.hotfix_patterns": "\(unclosed" is not a valid regular expression/,
    ],
    ['store: [1, 2\n', /is not valid YAML/],
  ])('names the bad key in %j', (yaml, message) => {
    expect(() => loadConfig({ cwd: dirWith(yaml), env: {} })).toThrow(message);
  });

  it('makes a bad config exit 2 from the CLI', async () => {
    const r = await cli(['report'], {
      cwd: dirWith('metrics:\n  thresholds:\n    x.y.z: { green: "a" }\n'),
      env: {},
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config key "metrics.thresholds.x.y.z.green"/);
  });
});
