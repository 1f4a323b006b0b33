import { attr, type Attrs, type Emit, type FormatHandler } from './format.js';
import { checkedTimestamp, parseSecondsToMs, statusWord } from './values.js';

interface Suite {
  name: string;
  file: string | undefined;
  timestamp: string | undefined;
}

interface OpenCase {
  attrs: Attrs;
  /** Read when the element opens, so a bad value is reported where it is written. */
  durationMs: number;
  timestamp: string | undefined;
  failures: number;
  errors: number;
  skipped: boolean;
  /** Surefire <flakyFailure>/<flakyError>: failed runs before the final pass. */
  flaky: number;
  /** Surefire <rerunFailure>/<rerunError>: further failed runs after the first failure. */
  reruns: number;
}

const FILE_LIKE = /\.(?:[cm]?[jt]sx?|py|rb|php|phpt|go|rs|java|kt|cs|swift|c|cc|cpp)$/i;

/**
 * The JUnit family: Surefire, Gradle, Jest, pytest (xunit1/2), Go, PHPUnit, NUnit's junit
 * output, nextest, Catch2, CUnit, Marathon, Swift, Mocha, web-test-runner... Suites nest to any
 * depth; a case belongs to its innermost suite (as dorny/test-reporter counts them).
 */
export class JunitHandler implements FormatHandler {
  private readonly suites: Suite[] = [];
  private current: OpenCase | null = null;

  constructor(private readonly emit: Emit) {}

  open(name: string, attrs: Attrs, parent: string | undefined): void {
    if (name === 'testsuite' && !this.current) {
      const outer = this.suites.at(-1);
      const suiteName = attr(attrs, 'name') ?? '';
      this.suites.push({
        name: suiteName,
        // Jest writes the test file as the suite name; it is the best location it gives.
        file: attr(attrs, 'file', 'filepath') ?? (FILE_LIKE.test(suiteName) ? suiteName : outer?.file),
        timestamp: checkedTimestamp(attrs.timestamp, 'timestamp') ?? outer?.timestamp,
      });
    } else if (name === 'testcase' && !this.current) {
      this.current = {
        attrs,
        durationMs: parseSecondsToMs(attrs.time),
        timestamp: checkedTimestamp(attrs.timestamp, 'timestamp'),
        failures: 0,
        errors: 0,
        skipped: false,
        flaky: 0,
        reruns: 0,
      };
    } else if (this.current && parent === 'testcase') {
      const c = this.current;
      if (name === 'failure') c.failures++;
      else if (name === 'error') c.errors++;
      else if (name === 'skipped') c.skipped = true;
      else if (name === 'flakyFailure' || name === 'flakyError') c.flaky++;
      else if (name === 'rerunFailure' || name === 'rerunError') c.reruns++;
    }
  }

  close(name: string): void {
    if (name === 'testcase' && this.current) {
      this.finish(this.current);
      this.current = null;
    } else if (name === 'testsuite' && !this.current) this.suites.pop();
  }

  private finish(c: OpenCase): void {
    const suite = this.suites.at(-1);
    const said = statusWord(c.attrs.status);
    // Children decide; a `status` attribute only overrides to skipped (a disabled test that
    // still carries a <failure> did not run) or fills in when there are no children.
    let status: 'passed' | 'failed' | 'error' | 'skipped' =
      c.failures > 0 ? 'failed' : c.errors > 0 ? 'error' : c.skipped ? 'skipped' : 'passed';
    if (said === 'skipped') status = 'skipped';
    else if (status === 'passed' && said && said !== 'passed') status = said;
    this.emit({
      suite: suite?.name ?? '',
      className: attr(c.attrs, 'classname', 'class') ?? '',
      name: attr(c.attrs, 'name') ?? null,
      file: attr(c.attrs, 'file', 'filepath') ?? suite?.file ?? null,
      status,
      durationMs: c.durationMs,
      retries: c.flaky + c.reruns,
      timestamp: c.timestamp ?? suite?.timestamp ?? null,
    });
  }
}
