/**
 * Survey tools write local times without a zone ("2026-11-03 09:14:22", the account's zone in
 * Qualtrics): they are read in `surveys.timezone`. ISO times with Z or an offset keep theirs.
 */
const YMD = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const MDY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ZONED = /(Z|[+-]\d{2}:?\d{2})$/i;

/** The zone's offset from UTC at an instant, ms (local − UTC). */
function offsetAt(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const n = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - ms;
}

function zoned(y: number, mo: number, d: number, h: number, mi: number, s: number, tz: string): Date | null {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23) return null;
  const first = wall - offsetAt(wall, tz);
  // Near a DST change the offset at the guess and at the answer differ: the second is right.
  return new Date(wall - offsetAt(first, tz));
}

/** The instant a cell names, or null when it is not a date this reader knows. */
export function parseSurveyTime(raw: string, timeZone: string): Date | null {
  const v = raw.trim();
  if (ZONED.test(v) && /^\d{4}-/.test(v)) {
    const t = new Date(v);
    return Number.isNaN(t.getTime()) ? null : t;
  }
  let m = YMD.exec(v);
  if (m) return zoned(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), timeZone);
  m = MDY.exec(v);
  if (m) return zoned(+m[3]!, +m[1]!, +m[2]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), timeZone);
  return null;
}
