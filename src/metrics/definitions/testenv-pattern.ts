import { invalidArgument } from '../../errors/errors.js';

/**
 * `testenv.image_job_pattern` (a case-insensitive regular expression over CI job names) as SQL
 * that matches the same names on DuckDB (RE2) and PostgreSQL (advanced regular expressions).
 *
 * The two engines share most of the syntax but not all of it: `\b` is a word boundary in RE2
 * and a backspace in PostgreSQL, which has no lookarounds behind and spells other escapes its
 * own way. So the pattern is checked against the part both read alike, and a `\b` at the edge
 * of the pattern, a group or an alternative (where the default and typical patterns put it) is
 * written as "start or a non-word character" / "a non-word character or end", which matches the
 * same names. Anything else is refused with the reason, naming the key, before a query runs.
 */

const KEY = 'testenv.image_job_pattern';
const WORDLESS = '[^[:alnum:]_]';
const LEFT = `(?:^|${WORDLESS})`;
const RIGHT = `(?:${WORDLESS}|$)`;

function refuse(pattern: string, why: string): never {
  throw invalidArgument(
    `${KEY} "${pattern}" ${why}; use literal words, [classes], (groups), (?:groups), | and quantifiers, with \\b only at the edge of a word (e.g. "\\b(build|docker|image)\\b")`,
    { field: KEY },
  );
}

/** The pattern rewritten into the syntax both engines read alike (throws invalid_argument). */
export function portablePattern(pattern: string): string {
  try {
    new RegExp(pattern, 'i');
  } catch (e) {
    refuse(pattern, `is not a regular expression (${(e as Error).message})`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(pattern)) refuse(pattern, 'contains a control character');
  if (pattern.startsWith('***')) refuse(pattern, 'starts with "***", which PostgreSQL reads as a director');
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '[') {
      const end = bracketEnd(pattern, i);
      const body = pattern.slice(i, end + 1);
      if (/\\(?![dws])[A-Za-z0-9]/.test(body))
        refuse(pattern, `has an escape inside ${body} that the engines read differently`);
      out += body;
      i = end + 1;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      if (pattern[i + 2] !== ':') refuse(pattern, 'uses (?…) other than a (?:…) group');
      out += '(?:';
      i += 3;
      continue;
    }
    if (c === '\\') {
      const e = pattern[i + 1] ?? '';
      if (e === 'b') {
        const before = pattern.slice(0, i);
        const after = pattern.slice(i + 2);
        if (before === '' || /(\(|\(\?:|\||\^)$/.test(before)) out += LEFT;
        else if (after === '' || /^[)|$]/.test(after)) out += RIGHT;
        else refuse(pattern, 'has \\b inside a word');
      } else if ('dwsDWSnt'.includes(e) || /^[^A-Za-z0-9]$/.test(e)) out += `\\${e}`;
      else refuse(pattern, `uses \\${e}, which the engines read differently`);
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Index of the `]` closing the bracket expression opened at `start`. */
function bracketEnd(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === '^') i++;
  if (p[i] === ']') i++;
  for (; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === '[' && p[i + 1] === ':') {
      const close = p.indexOf(':]', i + 2);
      if (close > 0) i = close + 1;
    } else if (p[i] === ']') return i;
  }
  return refuse(p, 'has an unclosed [');
}

/**
 * SQL: whether `col` matches the pattern anywhere, case-insensitively, on both engines. The
 * match is replaced by a marker a job name never holds, so a pattern that can match the empty
 * string matches every name, as a regular expression does. The text is quoted as a standard
 * SQL string (both engines take backslashes literally there), quotes doubled.
 */
export function matchesPattern(col: string, pattern: string): string {
  const quoted = `'${portablePattern(pattern).replaceAll("'", "''")}'`;
  return `(position(chr(1) in regexp_replace(${col}, ${quoted}, chr(1), 'i')) > 0)`;
}
