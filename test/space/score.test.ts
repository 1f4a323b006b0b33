import { describe, expect, it } from 'vitest';
import { configSchema, loadConfig } from '../../src/plugins.js';
import { attainment, lightOf, scoreLight, scoreOf } from '../../src/report/space-score.js';

describe('SPACE scores (docs/space.md)', () => {
  it('a measure at its target scores 4.5, 20% better 5, 10% short 3.8, half 1', () => {
    expect(scoreOf(1)).toBe(4.5);
    expect(scoreOf(1.2)).toBeCloseTo(5, 9);
    expect(scoreOf(3)).toBe(5);
    expect(scoreOf(0.9)).toBeCloseTo(3.8, 9);
    expect(scoreOf(0.75)).toBeCloseTo(2.75, 9);
    expect(scoreOf(0.5)).toBe(1);
    expect(scoreOf(0)).toBe(1);
  });

  it('attainment follows the direction; a lower-is-better zero attains fully', () => {
    expect(attainment(8, 12, 'lower_is_better')).toBeCloseTo(1.5, 9);
    expect(attainment(18, 12, 'lower_is_better')).toBeCloseTo(12 / 18, 9);
    expect(attainment(3, 2, 'higher_is_better')).toBe(1.5);
    expect(attainment(0, 0.1, 'lower_is_better')).toBe(Infinity);
    expect(scoreOf(attainment(0, 0.1, 'lower_is_better'))).toBe(5);
  });

  it('lights: green at target, yellow within 10% (measures) or half a point (dimensions)', () => {
    expect([lightOf(1), lightOf(0.95), lightOf(0.85), lightOf(null)]).toEqual([
      'green',
      'yellow',
      'red',
      'none',
    ]);
    expect([scoreLight(4.5, 4.5), scoreLight(4.1, 4.5), scoreLight(3.9, 4.5), scoreLight(null, 4.5)]).toEqual(
      ['green', 'yellow', 'red', 'none'],
    );
  });
});

describe('the space: section', () => {
  const issues = (space: unknown) => {
    const r = configSchema.safeParse({ space });
    if (r.success) return [];
    return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('defaults: 4.5 per dimension, the AI assistant and portal adoption measures', () => {
    const c = loadConfig({ cwd: '/nonexistent', env: {} });
    expect(c.space.score_targets).toEqual({
      satisfaction: 4.5,
      performance: 4.5,
      activity: 4.5,
      communication: 4.5,
      efficiency: 4.5,
    });
    expect(c.space.adoption.map((a) => a.id)).toEqual(['ai_assistant', 'portal']);
  });

  it('refuses an unknown target id, a score target off the scale and a bad metric-point name, naming the key', () => {
    expect(issues({ targets: { time_to_first_reveiw: 8 } }).join('\n')).toMatch(
      /space\.targets\.time_to_first_reveiw: unknown SPACE measure "time_to_first_reveiw": use one of .*time_to_first_review/,
    );
    expect(issues({ score_targets: { activity: 7 } }).join('\n')).toMatch(/space\.score_targets\.activity/);
    expect(
      issues({ adoption: [{ id: 'copilot', title: 'Copilot', metric: 'Copilot Sessions' }] }).join('\n'),
    ).toMatch(/space\.adoption\.0\.metric: expected a metric-point name/);
    expect(
      issues({
        adoption: [
          { id: 'a', title: 'A', metric: 'a.b' },
          { id: 'a', title: 'B', metric: 'a.c' },
        ],
      }).join('\n'),
    ).toMatch(/duplicate adoption id "a"/);
    // A configured adoption id takes a target too.
    expect(
      issues({
        targets: { copilot: 0.8 },
        adoption: [{ id: 'copilot', title: 'Copilot', metric: 'copilot.sessions' }],
      }),
    ).toEqual([]);
  });
});
