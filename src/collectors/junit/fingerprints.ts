/**
 * A 64-bit fingerprint of a string as two unsigned 32-bit halves (two independently seeded
 * multiply-xorshift hashes, as in cyrb53). Not cryptographic: it keys in-memory tables, where
 * a collision between two of a million tests has odds of about 1 in 10^7.
 */
export function fingerprint(s: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

/**
 * fingerprint -> uint32, in typed arrays (13 bytes a slot, open addressing): a million tests
 * cost ~27 MB here where a Map of their string ids costs several times that, which is what
 * keeps a collection's memory flat however many cases its reports hold.
 */
export class FingerprintTable {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private values: Uint32Array;
  private used: Uint8Array;
  private count = 0;

  constructor(capacity = 1024) {
    let n = 16;
    while (n < capacity * 2) n *= 2;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.values = new Uint32Array(n);
    this.used = new Uint8Array(n);
  }

  get size(): number {
    return this.count;
  }

  get(key: readonly [number, number]): number | undefined {
    const i = this.slot(key[0], key[1]);
    return this.used[i] ? this.values[i] : undefined;
  }

  set(key: readonly [number, number], value: number): void {
    const i = this.slot(key[0], key[1]);
    if (!this.used[i]) {
      this.used[i] = 1;
      this.hi[i] = key[0];
      this.lo[i] = key[1];
      this.count++;
    }
    this.values[i] = value;
    if (this.count * 4 > this.used.length * 3) this.grow();
  }

  /** Adds one to the key's value (absent: 0) and returns the new value. */
  increment(key: readonly [number, number]): number {
    const v = (this.get(key) ?? 0) + 1;
    this.set(key, v);
    return v;
  }

  *entries(): Generator<[[number, number], number]> {
    for (let i = 0; i < this.used.length; i++)
      if (this.used[i]) yield [[this.hi[i]!, this.lo[i]!], this.values[i]!];
  }

  /** The key's slot, or the empty slot where it would go (linear probing). */
  private slot(hi: number, lo: number): number {
    const mask = this.used.length - 1;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    while (this.used[i] && (this.hi[i] !== hi || this.lo[i] !== lo)) i = (i + 1) & mask;
    return i;
  }

  private grow(): void {
    const { hi, lo, values, used } = this;
    const n = used.length * 2;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.values = new Uint32Array(n);
    this.used = new Uint8Array(n);
    this.count = 0;
    for (let i = 0; i < used.length; i++) if (used[i]) this.set([hi[i]!, lo[i]!], values[i]!);
  }
}
