/**
 * Structural diff of the dashboard `build` generates against the live one `pull` fetched, both
 * already through the target's `comparable` (server-managed fields gone). Arrays of objects
 * that all carry a distinct name (a widget's or panel's title) are matched by it, so one widget
 * moved or added reads as that, not as every later widget changed.
 */
export type Change =
  | { kind: 'added'; path: string; to: unknown }
  | { kind: 'removed'; path: string; from: unknown }
  | { kind: 'changed'; path: string; from: unknown; to: unknown }
  | { kind: 'moved'; path: string; from: number; to: number };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The name an array element is matched and shown by: its title (or its definition's), else its name. */
function nameOf(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  for (const o of [v, v['definition']]) {
    if (!isObject(o)) continue;
    for (const k of ['title', 'name']) {
      const s = o[k];
      if (typeof s === 'string' && s !== '') return s;
    }
  }
  return undefined;
}

function namesIfDistinct(items: readonly unknown[]): string[] | null {
  const names = items.map(nameOf);
  if (names.some((n) => n === undefined)) return null;
  return new Set(names).size === names.length ? (names as string[]) : null;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function diffDashboards(expected: unknown, actual: unknown, path = ''): Change[] {
  if (same(expected, actual)) return [];
  if (Array.isArray(expected) && Array.isArray(actual)) return diffArrays(expected, actual, path);
  if (isObject(expected) && isObject(actual)) {
    const out: Change[] = [];
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const k of keys) {
      const p = path ? `${path}.${k}` : k;
      if (!(k in actual) || actual[k] === undefined) {
        if (expected[k] !== undefined) out.push({ kind: 'removed', path: p, from: expected[k] });
      } else if (!(k in expected) || expected[k] === undefined) {
        out.push({ kind: 'added', path: p, to: actual[k] });
      } else out.push(...diffDashboards(expected[k], actual[k], p));
    }
    return out;
  }
  return [{ kind: 'changed', path, from: expected, to: actual }];
}

function diffArrays(expected: unknown[], actual: unknown[], path: string): Change[] {
  const en = namesIfDistinct(expected);
  const an = namesIfDistinct(actual);
  const out: Change[] = [];
  if (en && an) {
    en.forEach((name, i) => {
      const p = `${path}[${JSON.stringify(name)}]`;
      const j = an.indexOf(name);
      if (j < 0) return out.push({ kind: 'removed', path: p, from: expected[i] });
      const rest = diffDashboards(expected[i], actual[j], p);
      out.push(...rest);
    });
    an.forEach((name, j) => {
      if (!en.includes(name))
        out.push({ kind: 'added', path: `${path}[${JSON.stringify(name)}]`, to: actual[j] });
    });
    // Order matters on a dashboard: the elements outside the longest common order are the ones moved.
    const common = en.filter((n) => an.includes(n));
    const order = an.filter((n) => en.includes(n));
    const kept = new Set(longestCommon(common, order));
    for (const n of common)
      if (!kept.has(n))
        out.push({
          kind: 'moved',
          path: `${path}[${JSON.stringify(n)}]`,
          from: common.indexOf(n),
          to: order.indexOf(n),
        });
    return out;
  }
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const p = `${path}[${i}]`;
    if (i >= actual.length) out.push({ kind: 'removed', path: p, from: expected[i] });
    else if (i >= expected.length) out.push({ kind: 'added', path: p, to: actual[i] });
    else out.push(...diffDashboards(expected[i], actual[i], p));
  }
  return out;
}

/** The longest subsequence of `a` that is also one of `b` (both hold the same distinct names). */
function longestCommon(a: readonly string[], b: readonly string[]): string[] {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      t[i]![j] = a[i] === b[j] ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
  const out: string[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) {
      out.push(a[i]!);
      i++;
      j++;
    } else if (t[i + 1]![j]! >= t[i]![j + 1]!) i++;
    else j++;
  }
  return out;
}

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
};

/** One line per change: `~ path: from -> to`, `+ path: value`, `- path: value`. */
export function formatDiff(changes: readonly Change[]): string {
  if (changes.length === 0) return 'no changes: the live dashboard is what build generates';
  return changes
    .map((c) => {
      switch (c.kind) {
        case 'changed':
          return `~ ${c.path}: ${show(c.from)} -> ${show(c.to)}`;
        case 'added':
          return `+ ${c.path}: ${show(c.to)} (only in the live dashboard)`;
        case 'removed':
          return `- ${c.path}: ${show(c.from)} (missing from the live dashboard)`;
        case 'moved':
          return `> ${c.path}: moved from position ${c.from + 1} to ${c.to + 1}`;
      }
    })
    .join('\n');
}
