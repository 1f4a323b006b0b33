/** Edit distance (Levenshtein), for suggesting the name a user meant. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * Up to `limit` known names closest to `name`: those containing it (or each of its dotted parts)
 * first, then by edit distance, within half the name's length.
 */
export function closestNames(name: string, known: readonly string[], limit = 3): string[] {
  const parts = name.toLowerCase().split('.').filter(Boolean);
  const score = (k: string) => {
    const lower = k.toLowerCase();
    const contains = lower.includes(name.toLowerCase()) || parts.every((p) => lower.includes(p));
    return (contains ? 0 : 1000) + distance(name.toLowerCase(), lower);
  };
  return [...known]
    .map((k) => ({ k, s: score(k) }))
    .filter((x) => x.s < 1000 || x.s - 1000 <= Math.max(3, Math.ceil(name.length / 2)))
    .sort((a, b) => a.s - b.s || a.k.localeCompare(b.k))
    .slice(0, limit)
    .map((x) => x.k);
}
