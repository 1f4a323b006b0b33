import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nunitAssemblySuite, trxReport, type TrxTest } from '../../../test/junit/reports.js';
import { parseReportFile, scanReport } from './parse.js';
import { BadValue, parseTimeSpanToMs } from './values.js';

const dir = mkdtempSync(join(tmpdir(), 'pitwall-parse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const pick = (cases: { className: string; name: string | null; status: string }[]) =>
  cases.map((c) => [c.className, c.name, c.status]);

const TESTS: TrxTest[] = [
  { className: 'Calc.Tests.AddTests', method: 'Adds', outcome: 'Passed', duration: '00:00:01.2500000' },
  { className: 'Calc.Tests.AddTests', method: 'Overflows', outcome: 'Failed' },
  { className: 'Calc.Tests.DivTests', method: 'ByZero', outcome: 'NotExecuted' },
  { className: 'Calc.Tests.DivTests', method: 'Slow', outcome: 'Timeout', duration: '00:01:30.0000000' },
  { className: 'Calc.Tests.DivTests', method: 'Odd', outcome: 'Inconclusive' },
];

describe('TRX (dotnet test --logger trx, MSTest)', () => {
  it('joins each result to its definition’s class, though the definitions come after the results', async () => {
    const r = await parseReportFile(file('a.trx', trxReport(TESTS)), 'a.trx');
    expect(r.format).toBe('trx');
    expect(pick(r.cases)).toEqual([
      ['Calc.Tests.AddTests', 'Adds', 'passed'],
      ['Calc.Tests.AddTests', 'Overflows', 'failed'],
      ['Calc.Tests.DivTests', 'ByZero', 'skipped'],
      ['Calc.Tests.DivTests', 'Slow', 'error'],
      ['Calc.Tests.DivTests', 'Odd', 'skipped'],
    ]);
    expect(r.cases.map((c) => c.durationMs)).toEqual([1250, 1, 1, 90_000, 1]);
    expect(r.cases[0]).toMatchObject({
      suite: 'Calc.Tests.dll',
      file: null,
      timestamp: '2024-05-01T10:00:00.1234567+02:00',
    });
  });

  it('reads the same cases when the definitions come first, and from MSTest v1 class names', async () => {
    const after = await parseReportFile(file('b.trx', trxReport(TESTS)));
    const first = await parseReportFile(file('c.trx', trxReport(TESTS, { definitionsFirst: true })));
    const v1 = await parseReportFile(file('d.trx', trxReport(TESTS, { mstestV1ClassNames: true })));
    expect(first.cases).toEqual(after.cases);
    // "Calc.Tests.AddTests, Calc.Tests, Version=..." is the class Calc.Tests.AddTests.
    expect(v1.cases).toEqual(after.cases);
  });

  it('keeps a data-driven test’s rows and drops its summary result', async () => {
    const r = await parseReportFile(
      file(
        'rows.trx',
        trxReport([
          {
            className: 'Calc.Tests.Rows',
            method: 'Parses',
            outcome: 'Failed',
            rows: [
              { name: 'Parses (Data Row 0)', outcome: 'Passed' },
              { name: 'Parses (Data Row 1)', outcome: 'Failed' },
            ],
          },
        ]),
      ),
    );
    expect(pick(r.cases)).toEqual([
      ['Calc.Tests.Rows', 'Parses (Data Row 0)', 'passed'],
      ['Calc.Tests.Rows', 'Parses (Data Row 1)', 'failed'],
    ]);
  });

  it('counts per status in the scan that keeps no case', async () => {
    const s = await scanReport(file('e.trx', trxReport(TESTS)), 'e.trx');
    expect([s.cases, s.counts]).toEqual([5, { passed: 1, failed: 1, error: 1, skipped: 2 }]);
    expect(s.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('parses TimeSpan durations, days included; an absent one is 0, an unreadable one refused', () => {
    expect(parseTimeSpanToMs('00:00:00.0032953')).toBe(3.295);
    expect(parseTimeSpanToMs('1.02:03:04.5')).toBe(((26 * 60 + 3) * 60 + 4.5) * 1000);
    expect(() => parseTimeSpanToMs('soon')).toThrow(BadValue);
    expect(parseTimeSpanToMs(undefined)).toBe(0);
  });
});

describe('NUnit 3', () => {
  it('reads a report whose root is <test-suite> as it reads the same suite inside <test-run>', async () => {
    const bare = await parseReportFile(file('bare.xml', `<?xml version="1.0"?>\n${nunitAssemblySuite()}`));
    const run = await parseReportFile(
      file(
        'run.xml',
        `<?xml version="1.0"?>\n<test-run id="2" testcasecount="3">\n${nunitAssemblySuite()}</test-run>\n`,
      ),
    );
    expect(bare.format).toBe('nunit');
    expect(pick(bare.cases)).toEqual([
      ['Calc.CalcTests', 'Adds', 'passed'],
      ['Calc.CalcTests', 'Divides', 'failed'],
      ['Calc.CalcTests', 'Later', 'skipped'],
    ]);
    expect(bare.cases[0]).toMatchObject({ suite: 'Calc.Tests.dll.Calc', durationMs: 12 });
    expect(bare.cases).toEqual(run.cases);
  });
});

describe('parse errors name file:line:column', () => {
  // pytest writes its whole report on one line: the line alone says nothing.
  const pytest =
    '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" tests="2">' +
    '<testcase classname="tests.test_calc" name="test_add" time="0.001"/>' +
    '<testcase classname="tests.test_calc" name="test_div" time=0.002/></testsuite></testsuites>';

  it('points at the offending character of a one-line report', async () => {
    const column = pytest.indexOf('time=0.002') + 'time='.length + 1;
    await expect(parseReportFile(file('pytest.xml', pytest), 'pytest.xml')).rejects.toMatchObject({
      code: 'invalid_argument',
      message: `pytest.xml:1:${column}: unquoted attribute value.`,
      details: { file: 'pytest.xml', line: 1, column },
    });
  });

  it('names a document that is not a test report, and what would be', async () => {
    const cov = '<?xml version="1.0"?>\n<coverage line-rate="0.9"><packages/></coverage>\n';
    await expect(parseReportFile(file('coverage.xml', cov), 'coverage.xml')).rejects.toThrow(
      /^coverage\.xml:2:26: <coverage> is not the root of a test report this reads \(<testsuites>, .*<TestRun>\); pass only JUnit, NUnit, xUnit\.net or TRX reports/,
    );
  });

  it('an empty file or one that is not XML is not a test report', async () => {
    await expect(parseReportFile(file('empty.xml', ''), 'empty.xml')).rejects.toThrow(
      /^empty\.xml:1:1: not an XML test report \(document must contain a root element\); pass JUnit, NUnit, xUnit\.net or TRX reports$/,
    );
    await expect(parseReportFile(file('report.json', '{"tests": 3}\n'), 'report.json')).rejects.toThrow(
      /^report\.json:\d+:\d+: not an XML test report \(text data outside of root node\); pass JUnit/,
    );
  });
});
