import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReportFile } from '../../src/collectors/junit/parse.js';
import { openStore } from '../../src/store/open.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

const report = (cases: string, suite = '') =>
  `<?xml version="1.0"?>\n<testsuites>\n<testsuite name="calc"${suite}>\n${cases}\n</testsuite>\n</testsuites>\n`;
const testcase = (name: string, extra: string) => `<testcase classname="Calc" name="${name}" ${extra}/>`;
/** 1-based line:column of `needle` in `text`. */
const at = (text: string, needle: string) => {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
};

/**
 * A duration or timestamp with no meaning used to become 0 ms or the file's mtime: right-looking
 * wrong data. Now the file is refused where the value is written, and nothing of the invocation
 * is stored; values real runners write (locales, placeholders, no zone) are still read.
 */
describe.each(ENGINES)('JUnit values that mean nothing, on %s', (engine) => {
  let t: TestStore;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  const rows = async () => {
    const s = await openStore(t.config);
    try {
      return await s.query<{ name: string; duration_ms: number; executed_at: Date }>(
        'select name, duration_ms, executed_at from test_results order by name',
      );
    } finally {
      await s.close();
    }
  };
  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    env = t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : { PITWALL_DB: t.config.duckdbPath };
    dir = mkdtempSync(join(tmpdir(), 'pitwall-junit-values-'));
    writeFileSync(join(dir, 'good.xml'), report(testcase('add', 'time="0.01"')));
  });
  afterAll(async () => {
    await t?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a bad time fails the file at file:line:column naming the attribute; nothing is written', async () => {
    const xml = report(testcase('sub', 'time="abc"'));
    writeFileSync(join(dir, 'bad-time.xml'), xml);
    const r = await cli(['collect', 'junit', 'good.xml', 'bad-time.xml'], { env, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `bad-time.xml:${at(xml, 'time="abc"')}: <testcase> time="abc": not a duration`,
    );
    expect(await rows()).toEqual([]);
  });

  it('a bad timestamp (2026-02-30, or a word) fails the file the same way', async () => {
    for (const [file, xml, needle] of [
      ['bad-day.xml', report(testcase('mul', 'time="1"'), ' timestamp="2026-02-30T10:00:00"'), 'timestamp='],
      ['bad-word.xml', report(testcase('div', 'time="1" timestamp="yesterday"')), 'timestamp='],
    ] as const) {
      writeFileSync(join(dir, file), xml);
      const r = await cli(['collect', 'junit', 'good.xml', file], { env, cwd: dir });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${file}:${at(xml, needle)}:`);
      expect(r.stderr).toMatch(/timestamp="[^"]+": not a date and time/);
    }
    expect((await cli(['collect', 'junit', 'bad-day.xml'], { env, cwd: dir })).stderr).toContain(
      '2026-02 has no day 30',
    );
    expect(await rows()).toEqual([]);
  });

  it('a report that is not UTF-8 is refused naming the byte offset; nothing is written', async () => {
    const head = Buffer.from(
      report('').split('\n').slice(0, 3).join('\n') + '\n<testcase classname="Calc" name="x',
    );
    const bytes = Buffer.concat([
      head,
      Buffer.from([0xff]),
      Buffer.from('"/>\n</testsuite>\n</testsuites>\n'),
    ]);
    writeFileSync(join(dir, 'latin.xml'), bytes);
    const r = await cli(['collect', 'junit', 'good.xml', 'latin.xml'], { env, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`latin.xml: not valid UTF-8 at byte offset ${head.length}`);
    expect(await rows()).toEqual([]);
  });

  it('reads every form real runners write: empty, placeholder, locales, exponents, units, no zone', async () => {
    const cases = [
      testcase('a_empty', 'time=""'),
      testcase('b_grouped', 'time="1,234.5"'),
      testcase('c_decimal_comma', 'time="0,5"'),
      testcase('d_german', 'time="1.234,5"'),
      testcase('e_exponent', 'time="1.7e-05"'),
      testcase('f_placeholder', 'time="<<computed>>"'),
      testcase('g_unit', 'time="0.25s"'),
      testcase('h_no_zone', 'time="1" timestamp="2020-10-12T20:17:41"'),
      testcase('i_utc_word', 'time="1" timestamp="2020-10-12 20:17:41 UTC"'),
    ].join('\n');
    writeFileSync(join(dir, 'odd.xml'), report(cases));
    const r = await cli(['collect', 'junit', 'odd.xml'], { env, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const got = await rows();
    expect(got.map((x) => [x.name, Number(x.duration_ms)])).toEqual([
      ['a_empty', 0],
      ['b_grouped', 1_234_500],
      ['c_decimal_comma', 500],
      ['d_german', 1_234_500],
      ['e_exponent', 0.017],
      ['f_placeholder', 0],
      ['g_unit', 250],
      ['h_no_zone', 1000],
      ['i_utc_word', 1000],
    ]);
    const when = new Date('2020-10-12T20:17:41Z').getTime();
    expect(got.slice(-2).map((x) => new Date(x.executed_at).getTime())).toEqual([when, when]);
  });
});

describe('NUnit, xUnit.net and TRX values that mean nothing', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pitwall-junit-values-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const parse = (name: string, xml: string) => {
    writeFileSync(join(dir, name), xml);
    return parseReportFile(join(dir, name), name);
  };

  it('names the attribute of each format: duration, start-time, run-date, TRX duration', async () => {
    await expect(
      parse('nunit.xml', '<test-run>\n<test-case name="a" result="Passed" duration="fast"/>\n</test-run>'),
    ).rejects.toThrow(/^nunit\.xml:2:\d+: <test-case> duration="fast": not a duration/);
    await expect(
      parse(
        'nunit2.xml',
        '<test-run><test-case name="a" result="Passed" start-time="2026-13-01 10:00:00"/></test-run>',
      ),
    ).rejects.toThrow(/start-time="2026-13-01 10:00:00": not a date and time \(month 13 does not exist/);
    await expect(
      parse(
        'xunit.xml',
        '<assemblies><assembly name="a.dll" run-date="2026-02-29" run-time="10:00:00"/></assemblies>',
      ),
    ).rejects.toThrow(/<assembly> run-date\/run-time="2026-02-29T10:00:00": not a date and time/);
    await expect(
      parse(
        'run.trx',
        '<TestRun><Results><UnitTestResult testId="1" testName="a" outcome="Passed" duration="soon"/></Results></TestRun>',
      ),
    ).rejects.toThrow(/<UnitTestResult> duration="soon": not a duration such as 00:00:01.5/);
    // A negative duration has no meaning either.
    await expect(parse('neg.xml', report(testcase('n', 'time="-1.5"')))).rejects.toThrow(
      /time="-1.5": a duration cannot be negative/,
    );
  });

  it('reads a report in the encoding its XML declaration names; an unknown one is named', async () => {
    const xml = (encoding: string) =>
      `<?xml version="1.0" encoding="${encoding}"?>\n<testsuite name="s"><testcase classname="Calc" name="caf\u00e9" time="1"/></testsuite>`;
    writeFileSync(join(dir, 'iso.xml'), Buffer.from(xml('ISO-8859-1'), 'latin1'));
    const read = await parseReportFile(join(dir, 'iso.xml'), 'iso.xml');
    expect(read.cases.map((c) => c.name)).toEqual(['caf\u00e9']);
    writeFileSync(
      join(dir, 'bom.xml'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml('UTF-8'))]),
    );
    expect((await parseReportFile(join(dir, 'bom.xml'), 'bom.xml')).cases.map((c) => c.name)).toEqual([
      'caf\u00e9',
    ]);
    writeFileSync(join(dir, 'odd.xml'), xml('x-no-such-charset'));
    await expect(parseReportFile(join(dir, 'odd.xml'), 'odd.xml')).rejects.toThrow(
      /odd\.xml: the XML declaration names encoding "x-no-such-charset"/,
    );
  });
});
