import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** 32-bit FNV-1a of a label: each group's resampling gets its own stream from one seed. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The seeded source of the bootstrap: the same seed and data give the same intervals on every
 * run and engine, so a report can be checked and a test can pin its numbers.
 */
export class SeededRandom {
  private readonly g: RandomGenerator;
  constructor(seed: number, label = '') {
    this.g = xoroshiro128plus(fnv1a(`${seed}:${label}`) | 0);
  }
  /** Uniform integer in [0, n). */
  index(n: number): number {
    return uniformInt(this.g, 0, n - 1);
  }
}
