/**
 * Test reports laid out as the real writers lay them out, built from a short description so a
 * test states only what it checks.
 */

export interface TrxTest {
  className: string;
  method: string;
  /** vstst.xsd TestOutcome: Passed, Failed, NotExecuted, Timeout, ... */
  outcome: string;
  /** TimeSpan, e.g. 00:00:00.0120000. */
  duration?: string;
  startTime?: string;
  /** Data-driven rows, written as `<InnerResults>` of a summary result (MSTest). */
  rows?: { name: string; outcome: string }[];
}

const guid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

/**
 * A TRX file as `dotnet test --logger trx` writes it (xUnit/NUnit adapters name each result
 * `Namespace.Class.Method`): Results first, then TestDefinitions, TestEntries, TestLists and the
 * ResultSummary. `definitionsFirst` puts the definitions before the results, as some writers do.
 */
export function trxReport(
  tests: readonly TrxTest[],
  opts: { definitionsFirst?: boolean; assembly?: string; mstestV1ClassNames?: boolean } = {},
): string {
  const assembly = opts.assembly ?? 'Calc.Tests';
  const list = guid(0xfff);
  const result = (t: TrxTest, i: number) => {
    const head =
      `<UnitTestResult executionId="${guid(1000 + i)}" testId="${guid(i + 1)}" testName="${esc(`${t.className}.${t.method}`)}" ` +
      `computerName="ci-1" duration="${t.duration ?? '00:00:00.0010000'}" startTime="${t.startTime ?? '2024-05-01T10:00:00.1234567+02:00'}" ` +
      `endTime="2024-05-01T10:00:00.2000000+02:00" testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" outcome="${t.outcome}" testListId="${list}"`;
    if (t.rows)
      return (
        `    ${head} resultType="DataDrivenTest">\n      <InnerResults>\n` +
        t.rows
          .map(
            (r, j) =>
              `        <UnitTestResult executionId="${guid(5000 + i * 100 + j)}" parentExecutionId="${guid(1000 + i)}" testId="${guid(i + 1)}" testName="${esc(r.name)}" duration="00:00:00.0005000" outcome="${r.outcome}" testListId="${list}" resultType="DataDrivenDataRow" />\n`,
          )
          .join('') +
        `      </InnerResults>\n    </UnitTestResult>\n`
      );
    if (t.outcome === 'Failed')
      return `    ${head}>\n      <Output>\n        <ErrorInfo>\n          <Message>Assert.Equal() Failure&#xD;\nExpected: 3&#xD;\nActual:   2</Message>\n          <StackTrace>   at ${esc(t.className)}.${esc(t.method)}() in /src/${assembly}/Tests.cs:line 27</StackTrace>\n        </ErrorInfo>\n      </Output>\n    </UnitTestResult>\n`;
    return `    ${head} />\n`;
  };
  const className = (t: TrxTest) =>
    opts.mstestV1ClassNames ? `${t.className}, ${assembly}, Version=1.0.0.0, Culture=neutral` : t.className;
  const results = `  <Results>\n${tests.map(result).join('')}  </Results>\n`;
  const definitions =
    `  <TestDefinitions>\n` +
    tests
      .map(
        (t, i) =>
          `    <UnitTest name="${esc(`${t.className}.${t.method}`)}" storage="/src/${assembly.toLowerCase()}/bin/debug/net8.0/${assembly.toLowerCase()}.dll" id="${guid(i + 1)}">\n` +
          `      <Execution id="${guid(1000 + i)}" />\n` +
          `      <TestMethod codeBase="/src/${assembly}/bin/Debug/net8.0/${assembly}.dll" adapterTypeName="executor://xunit/VsTestRunner2/netcoreapp" className="${esc(className(t))}" name="${esc(t.method)}" />\n` +
          `    </UnitTest>\n`,
      )
      .join('') +
    `  </TestDefinitions>\n`;
  const entries =
    `  <TestEntries>\n` +
    tests
      .map(
        (_, i) =>
          `    <TestEntry testId="${guid(i + 1)}" executionId="${guid(1000 + i)}" testListId="${list}" />\n`,
      )
      .join('') +
    `  </TestEntries>\n`;
  const passed = tests.filter((t) => t.outcome === 'Passed').length;
  const failed = tests.filter((t) => t.outcome === 'Failed').length;
  return (
    `\ufeff<?xml version="1.0" encoding="utf-8"?>\n` +
    `<TestRun id="${guid(0xabc)}" name="ci@ci-1 2024-05-01 10:00:00" runUser="ci" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">\n` +
    `  <Times creation="2024-05-01T10:00:01.0000000+02:00" queuing="2024-05-01T10:00:01.0000000+02:00" start="2024-05-01T09:59:59.0000000+02:00" finish="2024-05-01T10:00:02.0000000+02:00" />\n` +
    `  <TestSettings name="default" id="${guid(0xabd)}">\n    <Deployment runDeploymentRoot="ci_ci-1_2024-05-01_10_00_00" />\n  </TestSettings>\n` +
    (opts.definitionsFirst ? definitions + results : results + definitions) +
    entries +
    `  <TestLists>\n    <TestList name="Results Not in a List" id="${list}" />\n  </TestLists>\n` +
    `  <ResultSummary outcome="${failed ? 'Failed' : 'Completed'}">\n` +
    `    <Counters total="${tests.length}" executed="${tests.length}" passed="${passed}" failed="${failed}" error="0" timeout="0" aborted="0" inconclusive="0" passedButRunAborted="0" notRunnable="0" notExecuted="0" disconnected="0" warning="0" completed="0" inProgress="0" pending="0" />\n` +
    `  </ResultSummary>\n</TestRun>\n`
  );
}

/** An NUnit 3 assembly suite as NUnit writes it (the inside of a `<test-run>`). */
export function nunitAssemblySuite(): string {
  return `<test-suite type="Assembly" id="0-1005" name="Calc.Tests.dll" fullname="/src/Calc.Tests/bin/Calc.Tests.dll" runstate="Runnable" testcasecount="3" result="Failed" start-time="2024-05-01 10:00:00Z" end-time="2024-05-01 10:00:01Z" duration="0.5" total="3" passed="1" failed="1" skipped="1">
  <test-suite type="TestSuite" id="0-1004" name="Calc" fullname="Calc" testcasecount="3" result="Failed">
    <test-suite type="TestFixture" id="0-1000" name="CalcTests" fullname="Calc.CalcTests" classname="Calc.CalcTests" testcasecount="3" result="Failed">
      <test-case id="0-1001" name="Adds" fullname="Calc.CalcTests.Adds" methodname="Adds" classname="Calc.CalcTests" result="Passed" start-time="2024-05-01 10:00:00Z" duration="0.012" />
      <test-case id="0-1002" name="Divides" fullname="Calc.CalcTests.Divides" methodname="Divides" classname="Calc.CalcTests" result="Failed" start-time="2024-05-01 10:00:00Z" duration="0.020">
        <failure>
          <message><![CDATA[  Expected: 3
  But was:  2
]]></message>
        </failure>
      </test-case>
      <test-case id="0-1003" name="Later" fullname="Calc.CalcTests.Later" methodname="Later" classname="Calc.CalcTests" runstate="Ignored" result="Skipped" label="Ignored" start-time="2024-05-01 10:00:00Z" duration="0">
        <reason><message><![CDATA[not yet]]></message></reason>
      </test-case>
    </test-suite>
  </test-suite>
</test-suite>
`;
}
