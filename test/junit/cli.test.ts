import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

const report = (cases: string) =>
  `<?xml version="1.0"?>\n<testsuites>\n<testsuite name="calc">\n${cases}\n</testsuite>\n</testsuites>\n`;
const pass = (name: string) => `<testcase classname="Calc" name="${name}" time="0.01"/>`;
const fail = (name: string) =>
  `<testcase classname="Calc" name="${name}" time="0.02"><failure>boom</failure></testcase>`;

/**
 * A tiny test runner: writes the given report to junit.xml (unless told not to) and exits with
 * the given code, as a real runner does after failing tests.
 */
const RUNNER = `const fs = require('node:fs');
const [out, code] = process.argv.slice(2);
if (out !== '-') fs.writeFileSync('junit.xml', fs.readFileSync(out, 'utf8'));
process.exit(Number(code));`;

describe.each(ENGINES)('pitwall collect junit and tests on %s', (engine) => {
  let t: TestStore;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  const count = async () => {
    const s = await openStore(t.config);
    try {
      const [r] = await s.query<{ n: number }>('select count(*) as n from test_results');
      return Number(r!.n);
    } finally {
      await s.close();
    }
  };
  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    env = t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : { PITWALL_DB: t.config.duckdbPath };
    dir = mkdtempSync(join(tmpdir(), 'pitwall-junit-'));
    writeFileSync(join(dir, 'runner.cjs'), RUNNER);
  });
  afterAll(async () => {
    await t?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a truncated file fails with file:line:column and nothing of the invocation is written', async () => {
    writeFileSync(join(dir, 'good.xml'), report(pass('add')));
    writeFileSync(join(dir, 'bad.xml'), report(pass('sub')).slice(0, 80));
    const r = await cli(['collect', 'junit', 'good.xml', 'bad.xml'], { env, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pitwall: bad\.xml:\d+:\d+: unclosed tag: testsuite/);
    expect(await count()).toBe(0);
  });

  it('collects files, a glob and a retry; the retried test is flaky; re-collecting is idempotent', async () => {
    writeFileSync(join(dir, 'retry.xml'), report(`${fail('mul')}\n${pass('mul')}`));
    const args = ['collect', 'junit', 'good.xml', 'retr*.xml', '--sha', 'abc1234', '--branch', 'main'];
    const r = await cli([...args, '--repo', 'acme/api'], { env, cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('good.xml: 1 tests: 1 passed, 0 failed, 0 errors, 0 skipped');
    expect(r.stdout).toContain('retry.xml: 2 tests: 1 passed, 1 failed, 0 errors, 0 skipped');
    expect((await cli([...args, '--repo', 'acme/api', '--json'], { env, cwd: dir })).code).toBe(0);
    expect(await count()).toBe(3);
    const flaky = await cli(['tests', 'flaky', '--from', '2000-01-01', '--to', '2100-01-01', '--json'], {
      env,
    });
    expect(flaky.code).toBe(0);
    const tests = (JSON.parse(flaky.stdout) as { tests: { name: string; evidence: { sha: string }[] }[] })
      .tests;
    expect(tests.map((x) => [x.name, x.evidence[0]!.sha])).toEqual([['mul', 'abc1234']]);
  });

  it('quarantine add, --auto, list and remove', async () => {
    expect(
      (await cli(['tests', 'quarantine', 'add', '--name', 'Calc.div*', '--reason', 'JIRA-1'], { env })).code,
    ).toBe(0);
    const auto = await cli(
      ['tests', 'quarantine', 'add', '--auto', '--from', '2000-01-01', '--to', '2100-01-01'],
      {
        env,
      },
    );
    expect(auto.stdout).toMatch(/^quarantined id:[0-9a-f]{20}\n$/);
    const list = await cli(['tests', 'quarantine', 'list', '--json'], { env });
    expect((JSON.parse(list.stdout) as { id: string }[]).map((e) => e.id).sort()).toEqual(
      [auto.stdout.trim().split(' ')[1], 'name:Calc.div*'].sort(),
    );
    const id = auto.stdout.trim().split(' ')[1]!;
    expect((await cli(['tests', 'quarantine', 'remove', id], { env })).code).toBe(0);
    const again = await cli(['tests', 'quarantine', 'remove', id], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is not quarantined');
  });

  const run = (src: string, code: number) =>
    cli(['tests', 'run', '--', process.execPath, 'runner.cjs', src, String(code)], { env, cwd: dir });

  it('tests run: exit 0 when the only failure is quarantined, 1 when one is not', async () => {
    writeFileSync(join(dir, 'q.src'), report(`${pass('add')}\n${fail('divide')}`));
    const ok = await run('q.src', 1);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('every failing test is quarantined (Calc.divide');
    expect(ok.code).toBe(0);
    writeFileSync(join(dir, 'nq.src'), report(`${fail('divide')}\n${fail('sub')}`));
    const bad = await run('nq.src', 1);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/1 failing test is not quarantined: Calc\.sub \(/);
  });

  it('tests run: the runner crashed: no report, a stale report, a malformed one, or no failing test', async () => {
    rmSync(join(dir, 'junit.xml'), { force: true });
    const none = await run('-', 1);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/wrote no report matching \*\*\/junit\*\.xml since it started/);
    writeFileSync(join(dir, 'junit.xml'), report(fail('divide')));
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(join(dir, 'junit.xml'), old, old);
    const stale = await run('-', 1);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('(1 older report ignored)');
    writeFileSync(join(dir, 'trunc.src'), report(fail('divide')).slice(0, 90));
    const malformed = await run('trunc.src', 1);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/junit\.xml:\d+:\d+: /);
    writeFileSync(join(dir, 'green.src'), report(pass('add')));
    const crashed = await run('green.src', 3);
    expect(crashed.code).toBe(2);
    expect(crashed.stderr).toContain('exited 3 but its reports show no failing test');
    expect((await run('green.src', 0)).code).toBe(0);
  });
});
