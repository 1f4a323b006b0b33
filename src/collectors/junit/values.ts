/**
 * Attribute values as real runners write them. `time` is seconds, but some writers use a locale
 * (Surefire on a de_DE JVM writes "0,123"; others group thousands: "1,234.5"), some write
 * exponents ("1.7e-05") and some write placeholders ("<<computed>>"): never fail a report on it.
 */
export function parseSecondsToMs(raw: string | undefined): number {
  if (raw === undefined) return 0;
  let s = raw.trim();
  if (s.includes(',')) {
    // "1,234" or "1,234,567.8": grouping commas. "0,123" or "12,5": a decimal comma.
    s =
      /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s) && !s.startsWith('0,')
        ? s.replaceAll(',', '')
        : s.replace(',', '.');
  }
  const n = Number(s);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1_000_000) / 1000 : 0;
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
 * A .NET TimeSpan as TRX writes durations: `[-][d.]hh:mm:ss[.fffffff]` ("00:00:00.0032953").
 * Anything else counts as 0, as an unreadable `time` does.
 */
export function parseTimeSpanToMs(raw: string | undefined): number {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(raw?.trim() ?? '');
  if (!m) return 0;
  const seconds = Number(m[1] ?? 0) * 86_400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return Math.round(seconds * 1_000_000) / 1000;
}
