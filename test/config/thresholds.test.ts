import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/plugins.js';
import { cli } from '../helpers/cli.js';

const dirs: string[] = [];
function dirWith(yaml: string): string {
  const d = mkdtempSync(join(tmpdir(), 'pitwall-thresholds-'));
  dirs.push(d);
  writeFileSync(join(d, 'pitwall.yaml'), yaml);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('metrics.thresholds names metrics of the registry', () => {
  it('refuses a threshold for a metric that does not exist: serve exits 2 at start, naming it', async () => {
    const cwd = dirWith('metrics:\n  thresholds:\n    ci.runs.counts: { green: 1, yellow: 2 }\n');
    for (const args of [
      ['serve', '--port', '0'],
      ['metrics', 'list'],
    ]) {
      const r = await cli(args, { cwd, env: { PITWALL_DB: join(cwd, 'x.duckdb') } });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('config key "metrics.thresholds.ci.runs.counts"');
      expect(r.stderr).toContain('no metric is named "ci.runs.counts"');
      expect(r.stderr).toMatch(/did you mean .*ci\.runs\.count\b/);
      expect(r.stdout).toBe('');
    }
  });

  it('accepts a threshold for a metric that exists, and the registry uses it', async () => {
    const cwd = dirWith('metrics:\n  thresholds:\n    ci.runs.count: { green: 1, yellow: 2 }\n');
    expect(loadConfig({ cwd, env: {} }).metrics.thresholds['ci.runs.count']).toEqual({ green: 1, yellow: 2 });
    const r = await cli(['metrics', 'list', '--json'], { cwd, env: { PITWALL_DB: join(cwd, 'x.duckdb') } });
    expect(r.code, r.stderr).toBe(0);
    const defs = JSON.parse(r.stdout) as { name: string; thresholds: unknown }[];
    expect(defs.find((d) => d.name === 'ci.runs.count')!.thresholds).toEqual({ green: 1, yellow: 2 });
  });
});
