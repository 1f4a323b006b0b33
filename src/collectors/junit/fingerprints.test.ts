import { describe, expect, it } from 'vitest';
import { FingerprintTable, fingerprint } from './fingerprints.js';

describe('fingerprint', () => {
  it('is deterministic, and 100,000 distinct test names give 100,000 distinct fingerprints', () => {
    expect(fingerprint('Calc.adds')).toEqual(fingerprint('Calc.adds'));
    expect(fingerprint('Calc.adds')).not.toEqual(fingerprint('Calc.add'));
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(fingerprint(`["src/calc.test.ts","adds ${i}"]`).join(':'));
    expect(seen.size).toBe(100_000);
  });
});

describe('FingerprintTable', () => {
  it('agrees with a Map through many growths, including keys that collide in their low bits', () => {
    const t = new FingerprintTable(4);
    const m = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      // Every third key shares its low half with another: probing must tell them apart.
      const key: [number, number] = i % 3 === 0 ? [i, 7] : fingerprint(String(i));
      const k = key.join(':');
      if (i % 5 === 0) t.set(key, i);
      else t.increment(key);
      m.set(k, i % 5 === 0 ? i : (m.get(k) ?? 0) + 1);
    }
    expect(t.size).toBe(m.size);
    for (const [k, v] of m) expect(t.get(k.split(':').map(Number) as [number, number])).toBe(v);
    expect([...t.entries()].length).toBe(m.size);
    expect(t.get([123_456_789, 42])).toBeUndefined();
  });

  it('counts repeats: increment returns 1, 2, 3 for the same key', () => {
    const t = new FingerprintTable();
    const k = fingerprint('x');
    expect([t.increment(k), t.increment(k), t.increment(k)]).toEqual([1, 2, 3]);
  });
});
