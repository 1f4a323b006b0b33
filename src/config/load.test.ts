import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/helpers/cli.js';
import { loadConfig } from '../plugins.js';
import { loadConfig as loadCoreOnly } from './load.js';

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

  it.each([
    [
      'collectors:\n  - { id: gitt, schedule: "* * * * *" }\n',
      /config key "collectors.0.id": unknown collector "gitt": use one of git, github, gitlab, junit/,
    ],
    [
      'collectors:\n  - { id: github, schedule: "* * * * *", options: { organisation: acme } }\n',
      /config key "collectors.0.options.organisation": Unrecognized key: "organisation" \(github options are: org, repos, since,/,
    ],
    [
      'collectors:\n  - { id: github, schedule: "* * * * *" }\n',
      /config key "collectors.0.options.org": required/,
    ],
    [
      'collectors:\n  - { id: git, schedule: "* * * * *", options: {} }\n',
      /config key "collectors.0.options.path"/,
    ],
    [
      'collectors:\n  - { id: junit, schedule: "* * * * *", options: { paths: [] } }\n',
      /config key "collectors.0.options.paths"/,
    ],
    ['github:\n  concurrency: 0\n', /config key "github.concurrency"/],
    ['github:\n  concurency: 2\n', /config key "github.concurency": Unrecognized key/],
  ])('checks plug-in sections and each scheduled job against its collector: %j', (yaml, message) => {
    expect(() => loadConfig({ cwd: dirWith(yaml), env: {} })).toThrow(message);
  });

  it('composes the plug-ins’ sections, with their secrets from the environment', () => {
    const dir = dirWith(
      'github:\n  concurrency: 2\ncollectors:\n  - { id: github, schedule: "*/15 * * * *", options: { org: acme } }\n',
    );
    const cfg = loadConfig({ cwd: dir, env: { PITWALL_GITHUB_WEBHOOK_SECRET: 's3cret' } });
    expect(cfg.github.concurrency).toBe(2);
    expect(cfg.github.webhook_secret).toBe('s3cret');
    expect(cfg.github.api_url).toBe('https://api.github.com');
    // Options stay as written: each run parses them with its collector's own schema.
    expect(cfg.collectors).toEqual([{ id: 'github', schedule: '*/15 * * * *', options: { org: 'acme' } }]);
    // Without the registries' contributions only the core sections are known.
    expect(() => loadCoreOnly({ cwd: dir, env: {} })).toThrow(/config key "github": Unrecognized key/);
  });

  it('makes a bad scheduled job exit 2 from the CLI, before any store is opened', async () => {
    const dir = dirWith(
      'collectors:\n  - { id: git, schedule: "* * * * *", options: { path: ., repo: . } }\n',
    );
    const r = await cli(['collectors', 'list'], { cwd: dir, env: { PITWALL_DB: join(dir, 'x.duckdb') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /config key "collectors.0.options.repo": Unrecognized key.*git options are: path,/,
    );
    expect(existsSync(join(dir, 'x.duckdb'))).toBe(false);
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
