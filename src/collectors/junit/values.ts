import { calendarProblem, parseInstant } from '../../domain/time.js';

/**
 * An attribute value that has no meaning (`time="abc"`, `timestamp="yesterday"`): the report is
 * refused naming it, rather than counted as 0 ms or as the file's mtime, which would be wrong
 * data that looks right. The parser adds where it is (file:line:column).
 */
export class BadValue extends Error {
  constructor(
    readonly attribute: string,
    readonly value: string,
    readonly reason: string,
  ) {
    super(`${attribute}="${value}": ${reason}`);
  }
}

/** web-test-runner writes `time="<<computed>>"` where it knows no duration: unknown, so 0. */
// (The XML parser drops its stray `<`s, a tolerated error, so it may arrive as "computed>>".)
const PLACEHOLDER = /^<*[^<>]*>>$/;
const PLAIN = /^\d+(?:\.\d+)?$/;
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * Attribute values as real runners write them. `time` is seconds, but some writers use a locale
 * (Surefire on a de_DE JVM writes "0,123" or "1.234,5"; others group thousands: "1,234.5"), some
 * write exponents ("1.7e-05") or a unit ("0.25s"), some placeholders ("<<computed>>") or nothing (`time=""`): all
 * of these are read. A value with no meaning as seconds (a word, a negative) throws BadValue.
 */
export function parseSecondsToMs(raw: string | undefined, attribute = 'time'): number {
  const s = (raw ?? '').trim();
  // Plain seconds, what nearly every runner writes: read without the checks below.
  if (PLAIN.test(s)) return Math.round(Number(s) * 1_000_000) / 1000;
  if (s === '' || PLACEHOLDER.test(s)) return 0;
  // A unit some writers append ("0.25s", "250 ms") says what the number is.
  const unit = /^(.*?)\s*(ms|s)$/i.exec(s);
  let n = unit ? unit[1]! : s;
  if (/^\d{1,3}(\.\d{3})+,\d+$/.test(n)) n = n.replaceAll('.', '').replace(',', '.');
  else if (n.includes(',')) {
    // "1,234" or "1,234,567.8": grouping commas. "0,123" or "12,5": a decimal comma.
    n =
      /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(n) && !n.startsWith('0,')
        ? n.replaceAll(',', '')
        : n.replace(',', '.');
  }
  const seconds = DECIMAL.test(n) ? Number(n) : NaN;
  if (!Number.isFinite(seconds))
    throw new BadValue(attribute, s, 'not a duration in seconds (such as 1.5); fix or remove the attribute');
  if (seconds < 0) throw new BadValue(attribute, s, 'a duration cannot be negative');
  const ms = unit?.[2]!.toLowerCase() === 'ms' ? seconds : seconds * 1000;
  return Math.round(ms * 1000) / 1000;
}

/** Runners write local times without a zone ("2020-10-12T20:17:41") or with a word ("... UTC"). */
export function reportInstant(raw: string | null | undefined): Date | null {
  if (!raw) return null;
  return parseInstant(
    raw
      .trim()
      .replace(/\s*UTC$/i, 'Z')
      .replace(' ', 'T'),
  );
}

/** A timestamp attribute as written (undefined when absent), after checking it names an instant. */
export function checkedTimestamp(raw: string | undefined, attribute: string): string | undefined {
  const s = raw?.trim();
  if (!s || reportInstant(s)) return s || undefined;
  const why = calendarProblem(s.replace(/\s*UTC$/i, 'Z').replace(' ', 'T'));
  throw new BadValue(
    attribute,
    s,
    `not a date and time${why ? ` (${why})` : ''}; write ISO-8601 such as 2024-05-01T12:00:00Z, or remove the attribute`,
  );
}

/** A runner's own word for a result, mapped onto ours; null when it says nothing we know. */
export function statusWord(raw: string | undefined): 'passed' | 'failed' | 'error' | 'skipped' | null {
  switch (
    (raw ?? '')
      .trim()
      .toLowerCase()
      .replaceAll(/[\s_-]/g, '')
  ) {
    case 'passed':
    case 'pass':
    case 'success':
    case 'ok':
      return 'passed';
    case 'failed':
    case 'fail':
    case 'failure':
      return 'failed';
    case 'error':
    case 'errored':
    case 'cancelled':
      return 'error';
    case 'skipped':
    case 'skip':
    case 'disabled':
    case 'ignored':
    case 'notrun':
    case 'notrunnable':
    case 'notexecuted':
    case 'inconclusive':
      return 'skipped';
    default:
      return null;
  }
}

/**
 * A .NET TimeSpan as TRX writes durations: `[d.]hh:mm:ss[.fffffff]` ("00:00:00.0032953");
 * absent is 0, anything else throws BadValue.
 */
export function parseTimeSpanToMs(raw: string | undefined, attribute = 'duration'): number {
  const s = raw?.trim() ?? '';
  if (s === '') return 0;
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(s);
  if (!m || Number(m[3]) > 59 || Number(m[4]) >= 60)
    throw new BadValue(
      attribute,
      s,
      'not a duration such as 00:00:01.5 (hh:mm:ss); fix or remove the attribute',
    );
  const seconds = Number(m[1] ?? 0) * 86_400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return Math.round(seconds * 1_000_000) / 1000;
}
