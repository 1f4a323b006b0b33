/**
 * FNV-1a, 32 bits, of a string's UTF-16 code units: stable across processes and versions, so a
 * label keeps its random stream (the demo, the impact bootstrap) and a tag value its bucket (the
 * StatsD cardinality guard).
 */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
