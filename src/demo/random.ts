import { createHash } from 'node:crypto';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import lognormalFactory from '@stdlib/random-base-lognormal';
import normalFactory from '@stdlib/random-base-normal';
import { fnv1a } from '../domain/fnv1a.js';

/**
 * A seeded random source. Independent streams per concern (`fork`) keep one part of the
 * demo (e.g. commands) from shifting the draws of another (e.g. deployments) when it changes.
 */
export class Rng {
  private readonly g: RandomGenerator;
  private readonly ln: (mu: number, sigma: number) => number;
  private readonly nrm: (mu: number, sigma: number) => number;

  constructor(readonly seed: number) {
    this.g = xoroshiro128plus(seed | 0);
    const prng = () => uniformFloat64(this.g);
    this.ln = lognormalFactory.factory({ prng });
    this.nrm = normalFactory.factory({ prng });
  }

  fork(label: string): Rng {
    return new Rng(fnv1a(`${this.seed}:${label}`));
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.g);
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (!items.length) throw new Error('pick from an empty list');
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** Picks a key by weight; weights need not sum to 1. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let x = this.float() * total;
    for (const [k, w] of entries) if ((x -= w) < 0) return k;
    return entries[entries.length - 1]![0];
  }

  /** Lognormal with the given median (the median is exp(mu), so it is the parameter we publish). */
  lognormal(median: number, sigma: number): number {
    return this.ln(Math.log(median), sigma);
  }

  /**
   * Lognormal clamped symmetrically in log space to [median/f, median*f]: the median is
   * unchanged while the bounds make orderings (e.g. the CI critical path) hold for every run.
   */
  boundedLognormal(median: number, sigma: number, f: number): number {
    return Math.min(median * f, Math.max(median / f, this.lognormal(median, sigma)));
  }

  normal(mean: number, sd: number): number {
    return this.nrm(mean, sd);
  }

  /** A deterministic 40-hex sha, unique per label. */
  static sha(label: string): string {
    return createHash('sha1').update(label).digest('hex');
  }
}
