import { describe, expect, it } from 'vitest';
import { identify, testId } from './identity.js';
import type { ParsedCase } from './report.js';

const c = (className: string, name: string | null, file: string | null = null): ParsedCase => ({
  suite: 's',
  className,
  name,
  file,
  status: 'passed',
  durationMs: 1,
  retries: 0,
  timestamp: null,
});

describe('identify', () => {
  it('a test seen again anywhere in the collection is its next attempt; others are attempt 1', () => {
    const ids = identify(
      'acme/api',
      [
        c('Calc', 'adds', 'calc.test.ts'),
        c('Calc', 'subs', 'calc.test.ts'),
        c('Calc', 'adds', 'calc.test.ts'),
      ],
      '/repo',
    );
    expect(ids.map((i) => i.occurrence)).toEqual([1, 1, 2]);
    expect(ids[0]!.testId).toBe(ids[2]!.testId);
    // Unambiguous: the id is the file and the name, whatever the class is called.
    expect(ids[0]!.testId).toBe(testId('acme/api', 'calc.test.ts', 'adds'));
  });

  it('one file with the same name under two classes: two tests, the class in both ids', () => {
    const ids = identify(null, [c('A', 'works', 'x.test.ts'), c('B', 'works', 'x.test.ts')], '/repo');
    expect(ids.map((i) => [i.testId, i.occurrence])).toEqual([
      [testId(null, 'x.test.ts', 'works', 'A'), 1],
      [testId(null, 'x.test.ts', 'works', 'B'), 1],
    ]);
  });

  it('without a file, the class is the location: the same name in two classes is two tests', () => {
    const ids = identify(null, [c('A', 'works'), c('B', 'works'), c('A', 'works')], '/repo');
    expect(ids.map((i) => [i.testId, i.occurrence])).toEqual([
      [testId(null, 'A', 'works'), 1],
      [testId(null, 'B', 'works'), 1],
      [testId(null, 'A', 'works'), 2],
    ]);
  });

  it('unnamed cases are numbered within their location and class, each its own test', () => {
    const ids = identify(null, [c('A', null), c('A', null), c('B', null), c('A', null, 'a.py')], '/repo');
    expect(ids.map((i) => i.name)).toEqual(['(unnamed #1)', '(unnamed #2)', '(unnamed #1)', '(unnamed #1)']);
    expect(new Set(ids.map((i) => i.testId)).size).toBe(4);
    expect(ids.every((i) => i.occurrence === 1)).toBe(true);
  });
});
