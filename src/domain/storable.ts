/**
 * What both engines can store, checked before a write so DuckDB and PostgreSQL accept and refuse
 * the same records (PostgreSQL refuses these mid-transaction, DuckDB would keep them):
 * - text holds no NUL character and no lone UTF-16 surrogate (neither is a Unicode character);
 * - an identifier (a natural-key column, or a column a derived table keys on) is at most
 *   MAX_ID_BYTES of UTF-8, so a key of three of them fits a PostgreSQL index row (about 2.7 KB);
 * - metric-point tags, part of that kind's key, are at most MAX_TAGS_BYTES of JSON.
 */
export const MAX_ID_BYTES = 500;
export const MAX_TAGS_BYTES = 2000;

/** Non-key columns that derived tables key on (commit deliveries by service, spans by parent). */
const KEYED_ELSEWHERE = ['service', 'environment', 'parent_id'];

export interface FieldProblem {
  field: string;
  reason: string;
}

// A NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as text, or null. */
export function textProblem(s: string): string | null {
  const m = UNSTORABLE.exec(s);
  if (!m) return null;
  const what = m[0] === '\u0000' ? 'a NUL character (\\u0000)' : 'a lone UTF-16 surrogate';
  return `holds ${what} at position ${m.index}: send valid Unicode text`;
}

/** The first string (or object key) in `v` that cannot be stored, with its path under `path`. */
function firstTextProblem(v: unknown, path: string, depth = 0): FieldProblem | null {
  if (typeof v === 'string') {
    const reason = textProblem(v);
    return reason ? { field: path, reason } : null;
  }
  if (depth > 8 || v === null || typeof v !== 'object') return null;
  for (const [k, x] of Object.entries(v)) {
    const keyReason = textProblem(k);
    if (keyReason) return { field: `${path}.(key)`, reason: keyReason };
    const p = firstTextProblem(x, `${path}.${k}`, depth + 1);
    if (p) return p;
  }
  return null;
}

const encoder = new TextEncoder();
const utf8Bytes = (s: string) => encoder.encode(s).length;

/**
 * Problems of a record that passed its kind's schema: `sent` is the record as sent (its text is
 * checked where it was, before lists and maps become JSON), `row` the validated row.
 */
export function storableProblems(
  sent: Record<string, unknown>,
  row: Record<string, unknown>,
  columns: readonly string[],
  key: readonly string[],
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const c of columns) {
    const p = firstTextProblem(sent[c], c);
    if (p) problems.push(p);
  }
  for (const c of columns) {
    const v = row[c];
    if (typeof v !== 'string' || !(key.includes(c) || KEYED_ELSEWHERE.includes(c))) continue;
    const max = c === 'tags' ? MAX_TAGS_BYTES : MAX_ID_BYTES;
    const n = utf8Bytes(v);
    if (n > max)
      problems.push({
        field: c,
        reason: `is ${n} bytes long; an identifier is at most ${max} bytes of UTF-8 (use a shorter id or a hash of it)`,
      });
  }
  return problems;
}
