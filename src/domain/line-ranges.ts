/**
 * Sets of line numbers as compact text: "1-3,7,9-12" (ascending, disjoint, 1-based). Coverage
 * reports and git diffs both produce them; diff coverage intersects the two.
 */

/** `[start, end]` inclusive pairs, ascending and disjoint. */
export type Ranges = [number, number][];

/** Ranges from line numbers in any order (duplicates allowed). */
export function rangesOf(lines: Iterable<number>): Ranges {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const out: Ranges = [];
  for (const n of sorted) {
    const last = out.at(-1);
    if (last && n === last[1] + 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}

export function formatRanges(r: Ranges): string {
  return r.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(',');
}

/** The inverse of formatRanges; throws on text it did not write. */
export function parseRanges(text: string): Ranges {
  if (!text) return [];
  return text.split(',').map((part) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`not a line range: ${JSON.stringify(part)}`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new Error(`not a line range: ${JSON.stringify(part)}`);
    return [a, b];
  });
}

/** How many lines the ranges hold. */
export function rangeSize(r: Ranges): number {
  return r.reduce((n, [a, b]) => n + b - a + 1, 0);
}

/** The lines in both (each input ascending and disjoint). */
export function intersect(x: Ranges, y: Ranges): Ranges {
  const out: Ranges = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const lo = Math.max(x[i]![0], y[j]![0]);
    const hi = Math.min(x[i]![1], y[j]![1]);
    if (lo <= hi) out.push([lo, hi]);
    if (x[i]![1] < y[j]![1]) i++;
    else j++;
  }
  return out;
}
