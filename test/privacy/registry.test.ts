import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { MetricRegistry, explainMetric } from '../../src/metrics/registry/registry.js';
import { PERSONAL_ROWS_REASON, withheldReason } from '../../src/metrics/registry/privacy.js';
import type { MetricDefinition } from '../../src/metrics/registry/types.js';
import { loadConfig } from '../../src/plugins.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { FROM, RUNS_PER_PERSON, SCORES, TO, configWithK, mean, privacyRecords } from './fixture.js';

/**
 * The registry's k-anonymity contract on both engines: a personal metric's value over fewer
 * than privacy.min_group_size distinct people is null with the reason and the head count; at
 * k or more it is the value with the head count. Non-personal metrics are untouched.
 */
const base = {
  version: 1,
  unit: 'score (1-5)',
  description: 'test',
  why: 'test',
  action: 'test',
  direction: 'higher_is_better',
  groupBy: ['team'],
} as const;
const answers = `select answered_at as ts, score as v, team, respondent from survey_responses where question = 'privacy_probe'`;

const probe: MetricDefinition = {
  ...base,
  name: 'test.privacy.mean',
  title: 'mean answer',
  facts: answers,
  aggregate: 'avg(v)',
  person: 'respondent',
  personal: true,
};
const answerCount: MetricDefinition = {
  ...base,
  name: 'test.privacy.answers',
  title: 'answers',
  facts: answers,
  aggregate: 'count(*)',
  person: 'respondent',
  personal: true,
};
const notPersonal: MetricDefinition = {
  ...base,
  name: 'test.privacy.open',
  title: 'mean answer, not declared personal',
  facts: answers,
  aggregate: 'avg(v)',
};
/** A query metric declares its people column by yielding `people` beside bucket, grp and value. */
const queryProbe: MetricDefinition = {
  ...base,
  name: 'test.privacy.max_of_team_means',
  title: 'max of team means',
  personal: true,
  query: (p) => `with f as (${answers}), t as (
      select ${p.bucket('ts')} as bucket, ${p.group('team')} as grp, team, avg(v) as m, count(distinct respondent) as n
      from f where ts >= $1::timestamp and ts < $2::timestamp${p.where} group by 1, 2, 3)
    select bucket, grp, max(m) as value, min(n) as people from t group by 1, 2`,
};

describe('personal metric declarations', () => {
  const mk = (d: Partial<MetricDefinition>) => () =>
    new MetricRegistry([{ ...probe, ...d } as MetricDefinition]);
  it('a personal facts metric must name its person column, as a plain column name', () => {
    expect(mk({ person: undefined })).toThrow(/personal but names no person column/);
    expect(mk({ person: 'respondent; drop table x' })).toThrow(/not a column name/);
    expect(mk({})).not.toThrow();
  });
  it('a personal query metric must yield a people column for every group-by', () => {
    const noPeople: MetricDefinition = {
      ...base,
      name: 'test.privacy.bad',
      title: 'bad',
      personal: true,
      query: (p) =>
        `select ${p.bucket('answered_at')} as bucket, ${p.group('team')} as grp, avg(score) as value from survey_responses where answered_at >= $1::timestamp and answered_at < $2::timestamp${p.where} group by 1, 2`,
    };
    expect(() => new MetricRegistry([noPeople])).toThrow(/must yield a people column/);
    expect(() => new MetricRegistry([queryProbe])).not.toThrow();
  });
  it('the k of the config reaches the registry; k below 3 is refused naming the key', () => {
    expect(registryFor(configWithK()).minGroupSize).toBe(5);
    expect(registryFor(configWithK(3)).minGroupSize).toBe(3);
    const dir = mkdtempSync(join(tmpdir(), 'pitwall-privacy-'));
    const load = (k: number) => {
      const path = join(dir, `k${k}.yaml`);
      writeFileSync(path, `privacy:\n  min_group_size: ${k}\n`);
      return loadConfig({ cwd: dir, env: {}, path });
    };
    try {
      expect(() => load(2)).toThrow(/privacy\.min_group_size.*at least 3/s);
      expect(load(3).privacy.min_group_size).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('every local.* metric (commands people ran) is personal, by who ran the command', () => {
    const local = registryFor(configWithK())
      .list()
      .filter((d) => d.name.startsWith('local.'));
    expect(local.length).toBeGreaterThan(5);
    expect(local.every((d) => d.personal && d.person === 'user_name')).toBe(true);
  });
  it('the reason has one wording, naming k and the setting', () => {
    expect(withheldReason(4, 5)).toBe(
      "withheld: fewer than 5 people (privacy.min_group_size), so no one's answers can be inferred",
    );
    expect(withheldReason(5, 5)).toBeNull();
  });
});

describe.each(ENGINES)('the registry withholds small groups on %s', (engine) => {
  let t: TestStore;
  const reg = (k?: number) =>
    new MetricRegistry(
      [probe, answerCount, notPersonal, queryProbe],
      k === undefined ? {} : { minGroupSize: k },
    );
  const w = { from: FROM, to: TO };
  beforeAll(async () => {
    t = await openTestStore(engine);
    const r = await ingest(t.store, privacyRecords());
    expect(r.written.survey_response).toBe(9);
  });
  afterAll(async () => t?.cleanup());

  it('by team: 4 respondents withheld with the reason, 5 shown with their planted mean', async () => {
    const rows = await reg().compute(t.store, probe.name, { ...w, by: 'team' });
    expect(rows).toEqual([
      { bucket: null, group: 'five', value: expect.closeTo(mean(SCORES.five), 9), people: 5 },
      { bucket: null, group: 'four', value: null, people: 4, withheld: withheldReason(4, 5) },
    ]);
    // The whole organisation is 9 people: shown.
    const [all] = await reg().compute(t.store, probe.name, w);
    expect(all).toEqual({
      bucket: null,
      group: null,
      value: expect.closeTo(mean([...SCORES.four, ...SCORES.five]), 9),
      people: 9,
    });
  });

  it('k = 3 shows the team of 4; k = 5 set explicitly withholds it', async () => {
    const three = await reg(3).compute(t.store, probe.name, { ...w, by: 'team' });
    expect(three.find((r) => r.group === 'four')).toEqual({
      bucket: null,
      group: 'four',
      value: expect.closeTo(mean(SCORES.four), 9),
      people: 4,
    });
    const five = await registryFor(configWithK(5)).compute(t.store, 'local.commands.runs_per_day', {
      ...w,
      by: 'team',
    });
    expect(five.find((r) => r.group === 'four')?.withheld).toMatch(/fewer than 5 people/);
  });

  it('a filter to the small team withholds it too; a non-personal metric is never withheld', async () => {
    const [f] = await reg().compute(t.store, probe.name, { ...w, where: { team: 'four' } });
    expect(f).toMatchObject({ value: null, people: 4, withheld: expect.stringMatching(/fewer than 5/) });
    const open = await reg().compute(t.store, notPersonal.name, { ...w, by: 'team' });
    expect(open.find((r) => r.group === 'four')).toEqual({
      bucket: null,
      group: 'four',
      value: expect.closeTo(mean(SCORES.four), 9),
    });
  });

  it('buckets are judged one by one: a day with fewer than k people is withheld', async () => {
    // Every answer is on 2026-03-03: that day has 9 people; no other day has any.
    const days = await reg().compute(t.store, probe.name, { ...w, bucket: 'day', by: 'team' });
    expect(days.map((d) => [d.group, d.people, d.value === null])).toEqual([
      ['five', 5, false],
      ['four', 4, true],
    ]);
  });

  it('both windows (report trends) are withheld alike', async () => {
    const { current, previous } = await reg().computeWindows(t.store, probe.name, {
      from: FROM,
      to: TO,
      previousFrom: new Date(FROM.getTime() - (TO.getTime() - FROM.getTime())),
      by: 'team',
    });
    expect(current.find((r) => r.group === 'four')?.withheld).toMatch(/fewer than 5/);
    expect(current.find((r) => r.group === 'five')?.value).toBeCloseTo(mean(SCORES.five), 9);
    expect(previous).toEqual([]);
  });

  it('a count over nobody is 0 over 0 people (no one to single out); over 9 people, the count', async () => {
    const empty = { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-01-08T00:00:00Z') };
    expect(await reg().compute(t.store, answerCount.name, empty)).toEqual([
      { bucket: null, group: null, value: 0, people: 0 },
    ]);
    expect((await reg().compute(t.store, answerCount.name, w))[0]).toEqual({
      bucket: null,
      group: null,
      value: 9,
      people: 9,
    });
    // One team's count is over its own people: 4 withheld, 5 shown.
    const teams = await reg().compute(t.store, answerCount.name, { ...w, by: 'team' });
    expect(teams.map((r) => [r.group, r.value])).toEqual([
      ['five', 5],
      ['four', null],
    ]);
  });

  it('a personal query metric is withheld by the people column it yields', async () => {
    // Overall: max of team means, over min(team sizes) = 4 people: withheld at k 5, shown at 3.
    const [five] = await reg().compute(t.store, queryProbe.name, w);
    expect(five).toMatchObject({ value: null, people: 4, withheld: expect.stringMatching(/fewer than 5/) });
    const [three] = await reg(3).compute(t.store, queryProbe.name, w);
    expect(three).toEqual({
      bucket: null,
      group: null,
      value: expect.closeTo(Math.max(mean(SCORES.four), mean(SCORES.five)), 9),
      people: 4,
    });
  });

  it('explain lists no row of a personal metric; the count only at k or more people', async () => {
    const team = (group: string, k?: number) =>
      explainMetric(t.store, reg(k), probe.name, { ...w, by: 'team', group });
    expect(await team('five')).toEqual({
      metric: probe.name,
      rows: [],
      total: 5,
      people: 5,
      withheld: PERSONAL_ROWS_REASON,
    });
    const four = await team('four');
    expect(four).toMatchObject({ rows: [], total: null, people: 4 });
    expect(four.withheld).toContain(withheldReason(4, 5));
    expect((await team('four', 3)).total).toBe(4);
    // The local metrics (commands people ran) list no row either.
    const local = await explainMetric(
      t.store,
      registryFor(configWithK()),
      'local.commands.duration_p50_seconds',
      w,
    );
    expect(local).toMatchObject({ rows: [], total: 9 * RUNS_PER_PERSON, people: 9 });
    // A non-personal metric still lists its rows.
    const open = await explainMetric(t.store, reg(), notPersonal.name, { ...w, by: 'team', group: 'four' });
    expect(open.rows).toHaveLength(4);
  });
});
