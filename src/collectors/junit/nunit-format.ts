import { attr, type Attrs, type Emit, type FormatHandler } from './format.js';
import { checkedTimestamp, parseSecondsToMs, statusWord } from './values.js';

interface Suite {
  type: string;
  name: string;
  fullname: string | undefined;
}

interface OpenCase {
  attrs: Attrs;
  failed: boolean;
  /** Read when the element opens, so a bad value is reported where it is written. */
  durationMs: number;
  timestamp: string | undefined;
}

/** Suite types that name where tests live (assembly, namespaces) rather than a class or a theory. */
const PATH_TYPES = new Set(['assembly', 'testsuite', 'namespace']);

/**
 * NUnit 3 (`<test-run>`, or a bare `<test-suite>` as NUnit's own tools and some CI plugins
 * write it) and NUnit 2 (`<test-results>`): `<test-suite>` nests assembly ->
 * namespaces -> fixture -> parameterised method/theory -> `<test-case>`. The suite is the
 * assembly and namespace path (as dorny/test-reporter names it), the class is the fixture.
 */
export class NunitHandler implements FormatHandler {
  private readonly suites: Suite[] = [];
  private current: OpenCase | null = null;

  constructor(private readonly emit: Emit) {}

  open(name: string, attrs: Attrs, parent: string | undefined): void {
    if (name === 'test-suite' && !this.current)
      this.suites.push({
        type: (attr(attrs, 'type') ?? '').toLowerCase(),
        name: attr(attrs, 'name') ?? '',
        fullname: attr(attrs, 'fullname', 'classname'),
      });
    else if (name === 'test-case' && !this.current)
      this.current = {
        attrs,
        failed: false,
        durationMs: parseSecondsToMs(attrs.duration ?? attrs.time, attrs.duration ? 'duration' : 'time'),
        timestamp: checkedTimestamp(attrs['start-time'], 'start-time'),
      };
    else if (this.current && parent === 'test-case' && name === 'failure') this.current.failed = true;
  }

  close(name: string): void {
    if (name === 'test-case' && this.current) {
      this.finish(this.current);
      this.current = null;
    } else if (name === 'test-suite' && !this.current) this.suites.pop();
  }

  private finish({ attrs: a, failed: hasFailure, durationMs, timestamp }: OpenCase): void {
    const fixture = [...this.suites].reverse().find((s) => s.type === 'testfixture');
    const suite = this.suites
      .filter((s) => PATH_TYPES.has(s.type))
      .map((s) => s.name)
      .join('.');
    const label = statusWord(a.label);
    let status = statusWord(a.result) ?? (hasFailure ? 'failed' : 'passed');
    if (a.executed?.toLowerCase() === 'false') status = 'skipped';
    if (status === 'failed' && label === 'error') status = 'error';
    this.emit({
      suite,
      className: attr(a, 'classname') ?? fixture?.fullname ?? fixture?.name ?? '',
      name: attr(a, 'name') ?? null,
      file: null,
      status,
      durationMs,
      retries: 0,
      timestamp: timestamp ?? null,
    });
  }
}

/** xUnit.net v2 (`<assemblies>`): `<assembly>` -> `<collection>` -> `<test result="Pass|Fail|Skip">`. */
export class XunitNetHandler implements FormatHandler {
  private assembly = '';
  private collection = '';
  private timestamp: string | undefined;

  constructor(private readonly emit: Emit) {}

  open(name: string, attrs: Attrs): void {
    if (name === 'assembly') {
      this.assembly = (attr(attrs, 'name') ?? '').split(/[\\/]/).pop() ?? '';
      const date = attr(attrs, 'run-date');
      const time = attr(attrs, 'run-time');
      this.timestamp = checkedTimestamp(
        date && `${date}${time ? `T${time}` : ''}`,
        time ? 'run-date/run-time' : 'run-date',
      );
    } else if (name === 'collection') this.collection = attr(attrs, 'name') ?? '';
    else if (name === 'test') {
      const type = attr(attrs, 'type') ?? '';
      const full = attr(attrs, 'name') ?? null;
      this.emit({
        suite: this.collection || this.assembly,
        className: type,
        // The full name minus the class keeps a theory's arguments, which `method` drops.
        name: full && type && full.startsWith(`${type}.`) ? full.slice(type.length + 1) : full,
        file: null,
        status: statusWord(attrs.result) ?? 'passed',
        durationMs: parseSecondsToMs(attrs.time),
        retries: 0,
        timestamp: this.timestamp ?? null,
      });
    }
  }

  close(): void {}
}
