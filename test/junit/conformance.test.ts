import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReportFile } from '../../src/collectors/junit/parse.js';
import { toRecords } from '../../src/collectors/junit/records.js';
import type { ParsedCase } from '../../src/collectors/junit/report.js';

/**
 * Real reports from many runners, beside the project (never copied into it), with
 * dorny/test-reporter's own expected summaries. Absent in a fresh clone: then this skips.
 */
const fixturesDir = resolve(__dirname, '../../../shared/fixtures/junit');
const dorny = join(fixturesDir, 'dorny-test-reporter');
const present = existsSync(fixturesDir);
if (!present)
  console.warn(`junit conformance skipped: ${fixturesDir} is absent (it sits beside the project in CI)`);

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
const cell = (s: string | undefined) => Number(/(\d+)/.exec(s ?? '')?.[1] ?? 0);
const unescape = (s: string) => s.replaceAll('\\<', '<').replaceAll('\\>', '>');

/** The report row and the per-suite rows of one expected markdown file. */
function expected(md: string): { report: string; total: Counts; suites: Map<string, Counts> } {
  let report = '';
  let total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const suites = new Map<string, Counts>();
  for (const line of md.split('\n')) {
    const m = /^\|\[(.*)\]\(#user-content-r0(s\d+)?\)\|([^|]*)\|([^|]*)\|([^|]*)\|/.exec(line);
    if (!m) continue;
    const c = { passed: cell(m[3]), failed: cell(m[4]), skipped: cell(m[5]) };
    if (!m[2]) {
      report = m[1]!.replace(/^fixtures\//, '');
      total = c;
    } else {
      const name = unescape(m[1]!);
      const prev = suites.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
      suites.set(name, {
        passed: prev.passed + c.passed,
        failed: prev.failed + c.failed,
        skipped: prev.skipped + c.skipped,
      });
    }
  }
  return { report, total, suites };
}

function counts(cases: readonly ParsedCase[]): Counts {
  return {
    passed: cases.filter((c) => c.status === 'passed').length,
    failed: cases.filter((c) => c.status === 'failed' || c.status === 'error').length,
    skipped: cases.filter((c) => c.status === 'skipped').length,
  };
}

function allXml(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allXml(join(dir, e.name)) : e.name.endsWith('.xml') ? [join(dir, e.name)] : [],
  );
}

const mdFiles = present ? readdirSync(join(dorny, 'expected')).filter((f) => f.endsWith('.md')) : [];

describe.skipIf(!present)('JUnit parsing matches dorny/test-reporter’s expected counts', () => {
  it.each(mdFiles)('%s', async (md) => {
    const exp = expected(readFileSync(join(dorny, 'expected', md), 'utf8'));
    expect(exp.report, 'the expected file names its report').not.toBe('');
    const file = join(dorny, exp.report);
    const parsed = await parseReportFile(file);
    expect(counts(parsed.cases)).toEqual(exp.total);
    // Per suite: an unnamed <testsuite> is listed under the report's file name.
    const bySuite = new Map<string, ParsedCase[]>();
    for (const c of parsed.cases) {
      const name = c.suite || basename(file);
      bySuite.set(name, [...(bySuite.get(name) ?? []), c]);
    }
    expect(new Map([...bySuite].map(([k, v]) => [k, counts(v)]))).toEqual(exp.suites);
  });

  it('covers every expected file', () => {
    expect(mdFiles.length).toBeGreaterThanOrEqual(19);
  });
});

describe.skipIf(!present)(
  'every JUnit fixture parses, and the corrupt one fails with file:line:column',
  () => {
    const files = present ? allXml(fixturesDir).sort() : [];
    const corrupt = files.filter((f) => f.includes('corrupt'));

    it.each(files.filter((f) => !f.includes('corrupt')).map((f) => relative(fixturesDir, f)))(
      '%s',
      async (rel) => {
        const text = readFileSync(join(fixturesDir, rel), 'utf8').replaceAll(/<!--[\s\S]*?-->/g, '');
        const parsed = await parseReportFile(join(fixturesDir, rel));
        // An independent count of case elements: every one becomes exactly one parsed case.
        const elements = (text.match(/<(testcase|test-case)[\s/>]/g) ?? []).length;
        expect(parsed.cases.length).toBe(elements);
        for (const c of parsed.cases) {
          expect(c.name).not.toBe('');
          expect(c.durationMs).toBeGreaterThanOrEqual(0);
        }
        // Surefire/Marathon <flakyFailure>: the test passed after that many failed runs.
        const flaky = (text.match(/<flakyFailure/g) ?? []).length;
        if (flaky)
          expect(parsed.cases.filter((c) => c.status === 'passed' && c.retries > 0).length).toBe(flaky);
      },
    );

    it('the truncated Surefire report names its file, line and column and yields nothing', async () => {
      expect(corrupt).toHaveLength(1);
      await expect(parseReportFile(corrupt[0]!, 'TEST-test.CorruptTest.xml')).rejects.toMatchObject({
        code: 'invalid_argument',
        // The file ends inside `    <system-out><![CDATA[` (24 characters on line 18).
        message: expect.stringMatching(/^TEST-test\.CorruptTest\.xml:18:25: unclosed tag/),
        details: { file: 'TEST-test.CorruptTest.xml', line: 18, column: 25 },
      });
    });

    it('retries inside one report become attempts 1..n of one test (action-junit-report flaky_retries)', async () => {
      const dir = join(fixturesDir, 'action-junit-report', 'flaky_retries');
      const reports = await Promise.all(
        ['flaky_with_classname_file.xml', 'flaky_success_first.xml'].map(async (f) => ({
          report: await parseReportFile(join(dir, f)),
          writtenAt: new Date('2026-01-01T00:00:00Z'),
        })),
      );
      const recs = toRecords(reports, {
        repo: 'acme/api',
        sha: null,
        branch: null,
        runId: 'r1',
        attempt: 1,
        at: null,
        cwd: '/elsewhere',
      });
      const foo = recs.filter((r) => r.name === 'test_foo' && r.class_name === 'test_foo.TestFoo');
      expect(foo.map((r) => [r.attempt, r.status])).toEqual([
        [1, 'failed'],
        [2, 'error'],
        [3, 'passed'],
      ]);
      expect(new Set(foo.map((r) => r.test_id)).size).toBe(1);
      // GitHub's runner checks out at /home/runner/work/REPO/REPO/: that prefix is not part of the file.
      expect(foo[0]!.file).toBe('test_foo.py');
      // Same name, other class and file: another test.
      const bar = recs.find((r) => r.class_name === 'test_bar.TestBar')!;
      expect(bar.test_id).not.toBe(foo[0]!.test_id);
      expect(bar.attempt).toBe(1);
    });
  },
);
