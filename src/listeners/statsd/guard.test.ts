import { describe, expect, it } from 'vitest';
import { fnv1a } from '../../domain/fnv1a.js';
import { CardinalityGuard, OVERFLOW_TAGS } from './guard.js';
import { parseTags } from './parse.js';

const policy = { drop: ['branch', 'user', 'sha', 'pr'], bucket: {} };

describe('cardinality guard', () => {
  it('drops the policy keys and counts what it dropped per metric', () => {
    const g = new CardinalityGuard({ maxTagSetsPerMetric: 10, policy });
    expect(g.apply('testenv.provision.total_duration', parseTags('repo:a,branch:feat/x,sha:abc'))).toEqual([
      ['repo', 'a'],
    ]);
    expect(g.apply('testenv.provision.total_duration', parseTags('repo:a,branch:feat/y'))).toEqual([
      ['repo', 'a'],
    ]);
    // Untouched tags come back as they are, and a metric the guard changed nothing for is not listed.
    const plain = parseTags('repo:b');
    expect(g.apply('other.metric', plain)).toBe(plain);
    expect(g.counts()).toEqual([
      {
        metric: 'testenv.provision.total_duration',
        tagSets: 1,
        folded: 0,
        dropped: 3,
        droppedKeys: ['branch', 'sha'],
        bucketed: 0,
      },
    ]);
  });

  it('buckets a key into N stable hash buckets, or rewrites it by a regular expression', () => {
    const g = new CardinalityGuard({
      maxTagSetsPerMetric: 100,
      policy: {
        drop: [],
        bucket: { customer: { buckets: 4 }, path: { pattern: '\\d+', replace: ':id' } },
      },
    });
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      seen.add(g.apply('api.hits', [['customer', `c${i}`]])[0]![1]);
    }
    expect([...seen].sort()).toEqual(['bucket-0-of-4', 'bucket-1-of-4', 'bucket-2-of-4', 'bucket-3-of-4']);
    // The same value always lands in the same bucket (FNV-1a, not a per-process seed).
    expect(g.apply('api.hits', [['customer', 'acme']])).toEqual([
      ['customer', `bucket-${fnv1a('acme') % 4}-of-4`],
    ]);
    // The published FNV-1a 32-bit test vectors.
    expect([fnv1a(''), fnv1a('a'), fnv1a('foobar')]).toEqual([0x811c9dc5, 0xe40c292c, 0xbf9cf968]);
    expect(g.apply('api.hits', parseTags('path:/users/42/orders/7,repo:a'))).toEqual([
      ['path', '/users/:id/orders/:id'],
      ['repo', 'a'],
    ]);
    expect(g.counts()[0]).toMatchObject({ metric: 'api.hits', bucketed: 202, dropped: 0, folded: 0 });
  });

  it('folds tag sets past the cap into the overflow series, keeping the ones admitted', () => {
    const g = new CardinalityGuard({ maxTagSetsPerMetric: 3, policy });
    const out = ['a', 'b', 'c', 'd', 'e', 'a', 'd'].map((r) => g.apply('m.x', [['repo', r]]));
    expect(out.slice(0, 3)).toEqual([[['repo', 'a']], [['repo', 'b']], [['repo', 'c']]]);
    expect(out[3]).toBe(OVERFLOW_TAGS);
    expect(out[4]).toBe(OVERFLOW_TAGS);
    expect(out[5]).toEqual([['repo', 'a']]);
    expect(out[6]).toBe(OVERFLOW_TAGS);
    // The empty tag set is a set like any other; the cap is per metric.
    expect(g.apply('m.y', [])).toEqual([]);
    expect(g.counts()).toEqual([
      { metric: 'm.x', tagSets: 3, folded: 3, dropped: 0, droppedKeys: [], bucketed: 0 },
    ]);
  });

  it('caps after the policy: tag sets that differ only in a dropped key are one set', () => {
    const g = new CardinalityGuard({ maxTagSetsPerMetric: 1, policy });
    for (let i = 0; i < 50; i++)
      expect(
        g.apply('m.z', [
          ['branch', `b${i}`],
          ['repo', 'a'],
        ]),
      ).toEqual([['repo', 'a']]);
    expect(g.counts()).toEqual([
      { metric: 'm.z', tagSets: 1, folded: 0, dropped: 50, droppedKeys: ['branch'], bucketed: 0 },
    ]);
  });
});
