import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention } from '../../src/export/retention.js';
import { retentionSection } from '../../src/export/retention-config.js';
import { ingest } from '../../src/ingest/ingest.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { FROM, RUNS_PER_PERSON, TEAMS, privacyRecords } from './fixture.js';

/**
 * Daily rollups of local commands (kept forever, exported as daily_rollups) are aggregates of
 * people too: a group over fewer than k people folds into the day's `other`, which keeps only
 * its count and total when it is still that small. Totals stay whole.
 */
const NOW = new Date(FROM.getTime() + 30 * 86_400_000);
const cfg = retentionSection.parse({ commands: 2 });

interface Row {
  name: string;
  day: Date;
  tags: string;
  count: number;
  sum: number | null;
  min: number | null;
  sketch: string | null;
}

describe.each(ENGINES)('commands rollups under the privacy rule on %s', (engine) => {
  const stores: TestStore[] = [];
  const rolled = async (k: number): Promise<Row[]> => {
    const t = await openTestStore(engine);
    stores.push(t);
    await ingest(t.store, privacyRecords());
    await applyRetention(t.store, cfg, { now: NOW, minGroupSize: k });
    expect(Number((await t.store.query<{ n: number }>('select count(*) as n from commands'))[0]!.n)).toBe(0);
    return t.store.query<Row>(
      "select name, day, tags, count, sum, min, sketch from daily_rollups where source = 'commands' order by day, name, tags",
    );
  };
  let five: Row[];
  let three: Row[];
  beforeAll(async () => {
    [five, three] = [await rolled(5), await rolled(3)];
  });
  afterAll(async () => {
    for (const t of stores) await t.cleanup();
  });

  it('k = 5: the team of 5 keeps its groups, the team of 4 folds into other with no distribution', async () => {
    const people = TEAMS.four + TEAMS.five;
    expect(five.reduce((n, r) => n + Number(r.count), 0)).toBe(people * RUNS_PER_PERSON);
    expect(five.some((r) => r.tags.includes('acme/four'))).toBe(false);
    const big = five.filter((r) => r.tags.includes('acme/five'));
    expect(big).toHaveLength(RUNS_PER_PERSON); // one (category, outcome) a day
    expect(big.every((r) => Number(r.count) === TEAMS.five && r.sketch !== null)).toBe(true);
    const other = five.filter((r) => r.name === 'other');
    expect(other).toHaveLength(RUNS_PER_PERSON);
    for (const o of other) {
      expect(JSON.parse(o.tags)).toEqual({ withheld: 'fewer than 5 people' });
      expect(Number(o.count)).toBe(TEAMS.four);
      expect([o.min, o.sketch]).toEqual([null, null]);
      expect(Number(o.sum)).toBeGreaterThan(0);
    }
  });

  it('k = 3: every group is over enough people, nothing folds', async () => {
    expect(three.some((r) => r.name === 'other')).toBe(false);
    expect(
      three.filter((r) => r.tags.includes('acme/four')).every((r) => Number(r.count) === TEAMS.four),
    ).toBe(true);
    const total = (rows: Row[]) => rows.reduce((n, r) => n + Number(r.sum), 0);
    expect(total(three)).toBeCloseTo(total(five), 3);
  });
});
