import { attr, type Attrs, type Emit, type FormatHandler } from './format.js';
import { FingerprintTable, fingerprint } from './fingerprints.js';
import type { TestStatus } from './report.js';
import { checkedTimestamp, parseTimeSpanToMs } from './values.js';

/** TRX `outcome` values (vstst.xsd `TestOutcome`) onto ours, lower-cased. */
const OUTCOMES: Record<string, TestStatus> = {
  passed: 'passed',
  passedbutrunaborted: 'passed',
  completed: 'passed',
  warning: 'passed',
  failed: 'failed',
  error: 'error',
  timeout: 'error',
  aborted: 'error',
  disconnected: 'error',
  // Started and never finished: the run died in it.
  inprogress: 'error',
  notexecuted: 'skipped',
  notrunnable: 'skipped',
  inconclusive: 'skipped',
  pending: 'skipped',
};

const basename = (p: string | undefined) => p?.split(/[\\/]/).pop() || undefined;

/**
 * `TestDefinitions` of one TRX file: test GUID -> (class, assembly). A writer puts them after
 * `Results`, so the first pass over a file fills this and the second reads it; classes are
 * few, so each test costs one fingerprint slot, not its strings.
 */
export class TrxDefinitions {
  private readonly byTest = new FingerprintTable();
  private readonly owners: { className: string; suite: string }[] = [];
  private readonly ownerIndex = new Map<string, number>();

  add(testId: string, className: string, suite: string): void {
    const k = `${className}\u0000${suite}`;
    let i = this.ownerIndex.get(k);
    if (i === undefined) {
      i = this.owners.push({ className, suite }) - 1;
      this.ownerIndex.set(k, i);
    }
    this.byTest.set(fingerprint(testId), i);
  }

  owner(testId: string): { className: string; suite: string } | undefined {
    const i = this.byTest.get(fingerprint(testId));
    return i === undefined ? undefined : this.owners[i];
  }
}

/**
 * Visual Studio test results (`dotnet test --logger trx`, MSTest, vstest): `<TestRun>` ->
 * `Results/UnitTestResult testId testName outcome duration startTime`, joined on testId to
 * `TestDefinitions/UnitTest/TestMethod className`. A data-driven test's summary result
 * (`resultType="DataDrivenTest"`, or one holding `<InnerResults>`) is dropped: its rows are the tests.
 */
export class TrxHandler implements FormatHandler {
  /** Duration and start are read when a result opens, so a bad value is reported where it is. */
  private readonly results: {
    attrs: Attrs;
    aggregate: boolean;
    durationMs: number;
    timestamp: string | undefined;
  }[] = [];
  private definition: { id: string; storage: string | undefined } | null = null;
  private runStart: string | undefined;

  constructor(
    private readonly emit: Emit,
    private readonly definitions: TrxDefinitions,
  ) {}

  open(name: string, attrs: Attrs, parent: string | undefined): void {
    if (name === 'UnitTestResult')
      this.results.push({
        attrs,
        aggregate: attrs.resultType === 'DataDrivenTest',
        durationMs: parseTimeSpanToMs(attrs.duration),
        timestamp: checkedTimestamp(attrs.startTime, 'startTime'),
      });
    else if (name === 'InnerResults' && parent === 'UnitTestResult') {
      const outer = this.results.at(-1);
      if (outer) outer.aggregate = true;
    } else if (name === 'UnitTest' && parent === 'TestDefinitions')
      this.definition = { id: attr(attrs, 'id') ?? '', storage: attr(attrs, 'storage') };
    else if (name === 'TestMethod' && parent === 'UnitTest' && this.definition)
      this.definitions.add(
        this.definition.id,
        // MSTest v1 writes "Namespace.Class, Assembly, Version=..., Culture=...".
        attr(attrs, 'className')?.split(',')[0]!.trim() ?? '',
        basename(attr(attrs, 'codeBase')) ?? basename(this.definition.storage) ?? '',
      );
    else if (name === 'Times' && parent === 'TestRun') this.runStart = checkedTimestamp(attrs.start, 'start');
  }

  close(name: string): void {
    if (name === 'UnitTestResult') {
      const r = this.results.pop();
      if (r && !r.aggregate) this.finish(r.attrs, r.durationMs, r.timestamp);
    } else if (name === 'UnitTest') this.definition = null;
  }

  private finish(a: Attrs, durationMs: number, timestamp: string | undefined): void {
    const owner = this.definitions.owner(attr(a, 'testId') ?? '');
    const className = owner?.className ?? '';
    const full = attr(a, 'testName') ?? null;
    const outcome = (attr(a, 'outcome') ?? '').toLowerCase();
    this.emit({
      suite: owner?.suite ?? '',
      className,
      // xUnit and NUnit adapters name a test "Namespace.Class.Method": the class is said once.
      name: full && className && full.startsWith(`${className}.`) ? full.slice(className.length + 1) : full,
      file: null,
      // A result we cannot call a pass is not one: an unknown outcome counts as an error.
      status: OUTCOMES[outcome] ?? 'error',
      durationMs,
      retries: 0,
      timestamp: timestamp ?? this.runStart ?? null,
    });
  }
}
