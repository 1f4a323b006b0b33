import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { fnv1a } from '../../domain/fnv1a.js';

/**
 * The seeded source of the bootstrap: the same seed and data give the same intervals on every
 * run and engine, so a report can be checked and a test can pin its numbers.
 */
export class SeededRandom {
  private readonly g: RandomGenerator;
  /** Each group's resampling gets its own stream from one seed, through its label. */
  constructor(seed: number, label = '') {
    this.g = xoroshiro128plus(fnv1a(`${seed}:${label}`) | 0);
  }
  /** Uniform integer in [0, n). */
  index(n: number): number {
    return uniformInt(this.g, 0, n - 1);
  }
}
