import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest.js';
import { openStore } from '../../src/store/open.js';
import { cli } from '../helpers/cli.js';
import { openTestStore, type TestStore } from '../helpers/stores.js';
import { records } from './fixture.js';

describe('pitwall report and metrics with the test-environment analysis', () => {
  let t: TestStore;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    t = await openTestStore('duckdb');
    await ingest(t.store, records);
    await t.store.close(); // the CLI opens the store itself
    dir = mkdtempSync(join(tmpdir(), 'pitwall-testenv-cli-'));
    env = { PITWALL_DB: t.config.duckdbPath };
  });
  afterAll(async () => {
    await t?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const config = (yaml: string) => {
    const path = join(dir, `pitwall-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(path, yaml);
    return path;
  };
  const window = ['--from', '2025-01-06', '--to', '2025-01-07'];

  it('the table ends with the test-environment section: summary, failures, the slowest with log links, by repository', async () => {
    const c = config('testenv:\n  log_url: "https://logs.example.com/env/{id}?repo={repo}"\n');
    const r = await cli(['--config', c, 'report', ...window], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('testenv.reprovision.count');
    expect(r.stdout).toContain('testenv.ci_delay.median_minutes');
    for (const title of ['Test environments', 'Provisioning failures by category', 'Slowest provisions'])
      expect(r.stdout).toContain(title);
    expect(r.stdout).toContain('https://logs.example.com/env/P4?repo=acme%2Fweb');
    expect(r.stdout).toMatch(/timeout_waiting_builds\s*│\s*1\s*│\s*11\.1%/);
    const md = await cli(['--config', c, 'report', ...window, '--format', 'markdown'], { env });
    expect(md.stdout).toContain('### Test environments by repository');
    expect(md.stdout).toContain('| acme/web | 3 |');
    // JSON stays the API's report shape.
    const json = await cli(['--config', c, 'report', ...window, '--json'], { env });
    expect(Object.keys(JSON.parse(json.stdout) as object)).not.toContain('testenv');
  });

  it('metrics list names the new metrics; a window from config changes the count', async () => {
    const list = await cli(['metrics', 'list'], { env });
    expect(list.code, list.stderr).toBe(0);
    for (const m of [
      'testenv.reprovision.rate',
      'testenv.provision.early_share',
      'testenv.parallel.median_minutes',
    ])
      expect(list.stdout).toContain(m);
    const c = config('testenv:\n  reprovision_window_minutes: 60\n');
    const r = await cli(
      ['--config', c, 'report', ...window, '--metric', 'testenv.reprovision.count', '--json'],
      { env },
    );
    expect((JSON.parse(r.stdout) as { lines: { value: number }[] }).lines[0]!.value).toBe(1);
  });

  it('an image job pattern the engines would read differently is refused with exit 2, naming the key', async () => {
    const c = config('testenv:\n  image_job_pattern: "(?<=docker)build"\n');
    const r = await cli(['--config', c, 'report', ...window], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('testenv.image_job_pattern');
    // Nothing was written: the store is as it was.
    const s = await openStore(t.config);
    try {
      expect((await s.query<{ n: number }>(`select count(*) as n from spans`))[0]!.n).toBe(
        records.filter((x) => x.kind === 'span').length,
      );
    } finally {
      await s.close();
    }
  });
});
