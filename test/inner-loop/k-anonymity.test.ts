import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { ingest } from '../../src/ingest/ingest.js';
import { chokepointText, innerLoop, MIN_PEOPLE } from '../../src/report/inner-loop.js';

/**
 * Aggregates over fewer than 5 people are withheld: a repository whose commands come from 4
 * people shows no numbers (and says why), one with 5 people shows them. Cache sizes follow the
 * same rule per machine. With minPeople 1 (a developer's own stats) everything shows.
 */
const FROM = new Date('2026-03-02T00:00:00Z');
const TO = new Date('2026-03-09T00:00:00Z');

function records() {
  const out: Record<string, unknown>[] = [];
  const team = (name: string, n: number, repo: string, ms: number) => {
    out.push({ kind: 'team', team: name });
    for (let p = 0; p < n; p++) {
      const login = `${name}-${p}`;
      out.push({ kind: 'person', login, team: name, is_bot: false });
      for (let k = 0; k < 6; k++)
        out.push({
          kind: 'command',
          id: `${login}-${k}`,
          user_name: login,
          host: `${login}-laptop`,
          command: k % 2 ? 'npm test' : 'npm run build',
          category: k % 2 ? 'test' : 'build',
          repo,
          exit_code: k === 5 ? 1 : 0,
          started_at: new Date(FROM.getTime() + (k * 24 + 9) * 3_600_000).toISOString(),
          duration_ms: ms + p * 1000 + k,
        });
      out.push({
        kind: 'metric_point',
        name: 'dev.cache.size_bytes',
        occurred_at: new Date(FROM.getTime() + 3_600_000).toISOString(),
        value: 1e9 + p,
        tags: { cache: 'npm', host: `${login}-laptop` },
      });
    }
  };
  team('four', 4, 'acme/small', 60_000);
  team('five', 5, 'acme/big', 30_000);
  return out;
}

describe.each(ENGINES)('k-anonymity of the inner-loop report on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(t.store, records());
  });
  afterAll(async () => t?.cleanup());

  it('a group of 4 people is withheld with the reason; a group of 5 is shown', async () => {
    expect(MIN_PEOPLE).toBe(5);
    const r = await innerLoop(t.store, { from: FROM, to: TO });
    const small = r.byRepo.find((x) => x.key === 'acme/small')!;
    const big = r.byRepo.find((x) => x.key === 'acme/big')!;
    expect(small.withheld).toMatch(/fewer than 5 people/);
    expect([small.runs, small.p50Seconds, small.p90Seconds, small.hoursPerWeek, small.failureRate]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(big.withheld).toBeNull();
    expect(big.runs).toBe(30);
    // Chokepoints: acme/big's two programs; acme/small's two are withheld and counted.
    expect(r.chokepoints.map((c) => `${c.program} ${c.repo}`).sort()).toEqual([
      'npm run build acme/big',
      'npm test acme/big',
    ]);
    expect(r.chokepoints.every((c) => c.people === 5)).toBe(true);
    expect(r.chokepointsWithheld.groups).toBe(2);
    expect(r.chokepointsWithheld.reason).toMatch(/fewer than 5 people/);
    // The whole organisation (9 people) is shown.
    expect(r.summary.people).toBe(9);
    expect(r.summary.runs).toBe(54);
  });

  it('a team of 4 sees nothing but the reason; a team of 5 sees its numbers', async () => {
    const four = await innerLoop(t.store, { from: FROM, to: TO, team: 'four' });
    expect(four.summary.withheld).toMatch(/fewer than 5 people/);
    expect(four.summary.p50Seconds).toBeNull();
    expect(four.summary.people).toBeNull();
    expect(four.chokepoints).toEqual([]);
    expect(four.byCategory.every((c) => c.withheld && c.runs === null)).toBe(true);
    expect(four.trend.every((w) => w.withheld && w.hoursPerWeek === null)).toBe(true);
    expect(four.caches).toEqual([expect.objectContaining({ cache: 'npm', hosts: 4, medianBytes: null })]);
    const five = await innerLoop(t.store, { from: FROM, to: TO, team: 'five' });
    expect(five.summary.withheld).toBeNull();
    expect(five.summary.people).toBe(5);
    expect(five.summary.failureRate).toBeCloseTo(5 / 30, 9);
    expect(five.caches).toEqual([
      { cache: 'npm', hosts: 5, medianBytes: 1e9 + 2, totalBytes: 5e9 + 10, withheld: null },
    ]);
    expect(five.trend.filter((w) => w.withheld === null).length).toBeGreaterThan(0);
  });

  it('with minPeople 1 (one developer’s own numbers) every group shows', async () => {
    const r = await innerLoop(t.store, { from: FROM, to: TO, team: 'four', minPeople: 1 });
    expect(r.summary.people).toBe(4);
    expect(r.chokepoints.map((c) => c.program).sort()).toEqual(['npm run build', 'npm test']);
    expect(r.byRepo[0]!.runs).toBe(24);
  });

  it('a bad minPeople is refused', async () => {
    await expect(innerLoop(t.store, { from: FROM, to: TO, minPeople: 0 })).rejects.toThrow(/minPeople/);
  });
});

describe('the chokepoint sentence', () => {
  it('reads as the issue asks: p50 x runs a day = hours a day, then the measured cost', () => {
    const c = {
      program: 'npm test',
      repo: 'acme/api',
      category: 'test',
      people: 9,
      runs: 1008,
      p50Seconds: 246,
      p90Seconds: 500,
      runsPerDay: 36,
      medianHoursPerDay: (246 * 36) / 3600,
      hoursPerDay: 3.1,
      hoursPerWeek: 21.7,
      failureRate: 0.1,
    };
    expect(chokepointText(c)).toBe(
      '`npm test` in acme/api: p50 4.1 min x 36 runs a day = 2.5 h a day (measured 3.1 h a day, 22 h a week)',
    );
    expect(
      chokepointText({ ...c, repo: null, medianHoursPerDay: 0.1, hoursPerDay: 0.12, hoursPerWeek: 0.84 }),
    ).toBe(
      '`npm test` outside any repository: p50 4.1 min x 36 runs a day = 6.0 min a day (measured 7.2 min a day, 50 min a week)',
    );
  });
});
