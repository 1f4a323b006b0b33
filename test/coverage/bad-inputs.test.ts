import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, queryOnce, storeEnv, type TestStore } from '../helpers/stores.js';

const GOOD = 'SF:a.js\nDA:1,1\nend_of_record\n';
const COBERTURA = `<?xml version="1.0" ?>
<coverage><sources><source>.</source></sources><packages><package name="p"><classes>
<class name="a" filename="a.js"><lines><line number="1" hits="1"/><line number="2" hits="0"/></lines></class>
</classes></package></packages></coverage>
`;

const JACOCO = '<report name="r"><package name="p"><sourcefile name="A.java"><line nr="1" mi="0" ci="1"/></sourcefile></package></report>';

const CASES: [string, string, string, string, RegExp][] = [
  ['a bad DA line', 'bad-da.info', 'SF:a.js\nDA:1,1\nDA:2,lots\nend_of_record\n', 'lcov', /^pitwall: bad-da\.info:3: hit count "lots" is not a count\n/],
  ['a DA line without hits', 'short-da.info', 'SF:a.js\nDA:7\nend_of_record\n', 'lcov', /^pitwall: short-da\.info:2: DA:7: expected DA:<line>,<hits>/],
  ['lcov cut off inside a record', 'cut.info', 'SF:a.js\nDA:1,1\nDA:2,0\n', 'lcov', /^pitwall: cut\.info:3: the file ends inside the record for a\.js \(opened at line 1\) with no end_of_record: is it truncated\?/],
  ['a JSON file as lcov', 'summary.json', '{"total": {}}\n', 'lcov', /^pitwall: summary\.json:1: not an lcov line: .*this looks like JSON/],
  ['a Cobertura file as lcov', 'cob-as-lcov.xml', COBERTURA, 'lcov', /^pitwall: cob-as-lcov\.xml:1: not an lcov line: .*pass --format cobertura/],
  ['truncated Cobertura XML', 'cut.xml', COBERTURA.slice(0, 200), 'cobertura', /^pitwall: cut\.xml:3:\d+: unclosed tag: /],
  ['an lcov file as Cobertura', 'lcov-as-xml.info', GOOD, 'cobertura', /^pitwall: lcov-as-xml\.info:1:1: not an XML coverage report .*pass --format lcov/],
  ['a JUnit report as Cobertura', 'junit.xml', '<testsuites><testsuite name="x"/></testsuites>', 'cobertura', /^pitwall: junit\.xml:1:\d+: <testsuites> is not the root of a cobertura report \(<coverage>\); this looks like a JUnit test report/],
  ['Cobertura as JaCoCo', 'cob.xml', COBERTURA, 'jacoco', /^pitwall: cob\.xml:2:\d+: <coverage> is not the root of a jacoco report \(<report>\); this looks like a cobertura report: pass --format cobertura/],
  ['a bad hits value', 'hits.xml', COBERTURA.replace('hits="0"', 'hits="-1"'), 'cobertura', /^pitwall: hits\.xml:3:\d+: <line> hits="-1" is not a count/],
  ['a bad condition-coverage', 'cc.xml', COBERTURA.replace('hits="0"', 'hits="0" branch="true" condition-coverage="half"'), 'cobertura', /condition-coverage="half" is not "NN% \(covered\/total\)"/],
  ['a JaCoCo line without nr', 'nonr.xml', '<report name="r"><package name="p"><sourcefile name="A.java"><line mi="1" ci="0"/></sourcefile></package></report>', 'jacoco', /^pitwall: nonr\.xml:1:\d+: <line> has no nr="\.\.\."/],
  ['an empty file', 'empty.info', '', 'lcov', /^pitwall: empty\.info: holds no SF: record/],
];

describe.each(ENGINES)('bad coverage input on %s', (engine) => {
  let t: TestStore;
  let env: NodeJS.ProcessEnv;
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-coverage-bad-'));
  const counts = async () => {
    const [r] = await queryOnce<{ n: number }>(
      t,
      'select (select count(*) from coverage_reports) + (select count(*) from coverage_files) as n',
    );
    return Number(r!.n);
  };
  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    env = storeEnv(t);
    writeFileSync(join(dir, 'good.info'), GOOD);
    writeFileSync(join(dir, 'good.cobertura'), COBERTURA);
    writeFileSync(join(dir, 'good.jacoco'), JACOCO);
  });
  afterAll(async () => {
    await t?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES)('%s: exit 2 at file:line, and the good file beside it is not written', async (_, name, text, format, message) => {
    writeFileSync(join(dir, name), text);
    const r = await cli(['collect', 'coverage', `good.${format === 'lcov' ? 'info' : format}`, name, '--format', format, '--repo', 'acme/x', '--sha', 'abc1234'], {
      env,
      cwd: dir,
    });
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(await counts()).toBe(0);
  });

  it('outside a git repository without --repo and --sha: says what to pass', async () => {
    const r = await cli(['collect', 'coverage', 'good.info', '--format', 'lcov'], { env, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pass --repo owner\/name and --sha SHA/);
  });

  it('a missing file and a bad --format', async () => {
    const missing = await cli(['collect', 'coverage', 'nope.info', '--format', 'lcov', '--repo', 'a/b', '--sha', 'abc1234'], { env, cwd: dir });
    expect([missing.code, missing.stderr]).toEqual([2, 'pitwall: nope.info: no such file\n']);
    const format = await cli(['collect', 'coverage', 'good.info', '--format', 'clover'], { env, cwd: dir });
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--format.*clover.*lcov, cobertura, jacoco/);
    expect(await counts()).toBe(0);
  });
});
