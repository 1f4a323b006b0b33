import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { nunitAssemblySuite, trxReport } from './reports.js';

const junit = (cases: string) =>
  `<?xml version="1.0"?>\n<testsuites>\n<testsuite name="calc">\n${cases}\n</testsuite>\n</testsuites>\n`;
const ALL_TIME = ['--from', '2000-01-01', '--to', '2100-01-01'];

describe.each(ENGINES)('pitwall collect junit: TRX, NUnit 3, unnamed cases, errors on %s', (engine) => {
  let t: TestStore;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  const rows = async (sql: string) => {
    const s = await openStore(t.config);
    try {
      return await s.query(sql);
    } finally {
      await s.close();
    }
  };
  const count = async () => Number((await rows('select count(*) as n from test_results'))[0]!.n as number);
  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    env = t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : { PITWALL_DB: t.config.duckdbPath };
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pitwall-junit-formats-'));
    await rows('delete from test_results');
  });
  afterAll(async () => {
    await t?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a directory scan reads .trx beside .xml, and a bare NUnit 3 <test-suite>', async () => {
    mkdirSync(join(dir, 'reports/dotnet'), { recursive: true });
    writeFileSync(
      join(dir, 'reports/dotnet/ci_run.trx'),
      trxReport([
        { className: 'Calc.Tests.AddTests', method: 'Adds', outcome: 'Passed' },
        { className: 'Calc.Tests.AddTests', method: 'Overflows', outcome: 'Failed' },
        { className: 'Calc.Tests.DivTests', method: 'ByZero', outcome: 'NotExecuted' },
      ]),
    );
    writeFileSync(join(dir, 'reports/nunit.xml'), `<?xml version="1.0"?>\n${nunitAssemblySuite()}`);
    writeFileSync(join(dir, 'reports/notes.txt'), 'not a report, and not read');
    const r = await cli(['collect', 'junit', 'reports', '--repo', 'acme/calc'], { env, cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('reports/dotnet/ci_run.trx: 3 tests: 1 passed, 1 failed, 0 errors, 1 skipped');
    expect(r.stdout).toContain('reports/nunit.xml: 3 tests: 1 passed, 1 failed, 0 errors, 1 skipped');
    const got = await rows('select class_name, name, status from test_results order by class_name, name');
    expect(got.map((x) => [x.class_name, x.name, x.status])).toEqual([
      ['Calc.CalcTests', 'Adds', 'passed'],
      ['Calc.CalcTests', 'Divides', 'failed'],
      ['Calc.CalcTests', 'Later', 'skipped'],
      ['Calc.Tests.AddTests', 'Adds', 'passed'],
      ['Calc.Tests.AddTests', 'Overflows', 'failed'],
      ['Calc.Tests.DivTests', 'ByZero', 'skipped'],
    ]);
  });

  it('a scanned file of another format is named with its root, exit 2, and nothing is written', async () => {
    writeFileSync(join(dir, 'junit.xml'), junit('<testcase classname="Calc" name="adds"/>'));
    mkdirSync(join(dir, 'coverage'));
    writeFileSync(join(dir, 'coverage/coverage.cobertura.xml'), '<?xml version="1.0"?>\n<coverage/>\n');
    const r = await cli(['collect', 'junit', '.'], { env, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^pitwall: coverage\/coverage\.cobertura\.xml:2:\d+: <coverage> is not the root of a test report this reads .*narrow a directory with a glob/,
    );
    expect(await count()).toBe(0);
  });

  it('unnamed cases are each their own test: never attempts of one, never flaky', async () => {
    // Three unnamed cases of one class that fail, pass, fail: one shared id made them a flaky test.
    const cases = [
      '<testcase classname="Calc" time="0.01"><failure>boom</failure></testcase>',
      '<testcase classname="Calc" time="0.01"/>',
      '<testcase classname="Calc" name="" time="0.01"><failure>boom</failure></testcase>',
      '<testcase classname="Other" time="0.01"/>',
      '<testcase classname="Calc" name="adds" time="0.01"/>',
    ];
    writeFileSync(join(dir, 'unnamed.xml'), junit(cases.join('\n')));
    for (let i = 0; i < 2; i++) {
      const r = await cli(['collect', 'junit', 'unnamed.xml', '--sha', 'abc1234'], { env, cwd: dir });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const got = await rows(
      'select test_id, class_name, name, attempt from test_results order by class_name, name',
    );
    expect(got.map((x) => [x.class_name, x.name, x.attempt])).toEqual([
      ['Calc', '(unnamed #1)', 1],
      ['Calc', '(unnamed #2)', 1],
      ['Calc', '(unnamed #3)', 1],
      ['Calc', 'adds', 1],
      ['Other', '(unnamed #1)', 1],
    ]);
    expect(new Set(got.map((x) => x.test_id)).size).toBe(5);
    const flaky = await cli(['tests', 'flaky', ...ALL_TIME, '--json'], { env });
    expect(flaky.code).toBe(0);
    expect((JSON.parse(flaky.stdout) as { tests: unknown[] }).tests).toEqual([]);
  });

  it('a broken one-line report (pytest) names its line and column; nothing is written', async () => {
    const line =
      '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" tests="2">' +
      '<testcase classname="tests.test_calc" name="test_add" time="0.001"/>' +
      '<testcase classname="tests.test_calc" name="test_div" time="0.002"></testsuite></testsuites>';
    writeFileSync(join(dir, 'ok.xml'), junit('<testcase classname="Calc" name="adds"/>'));
    writeFileSync(join(dir, 'pytest.xml'), line);
    const r = await cli(['collect', 'junit', 'ok.xml', 'pytest.xml'], { env, cwd: dir });
    expect(r.code).toBe(2);
    // The close tag that does not match: `</testsuite>` closes while <testcase> is open.
    const column = line.indexOf('</testsuite>') + '</testsuite>'.length;
    expect(r.stderr).toBe(`pitwall: pytest.xml:1:${column}: unexpected close tag.\n`);
    expect(await count()).toBe(0);
  });
});
