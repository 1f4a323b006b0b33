import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { withheldReason } from '../../src/metrics/registry/privacy.js';
import { buildApp } from '../../src/server/app.js';
import { createContext } from '../../src/server/server.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { silent } from '../server/setup.js';
import { RUNS_PER_PERSON, TO, WINDOW, configWithK, privacyRecords } from './fixture.js';

/**
 * Every HTTP surface that shows an aggregate of people, on both engines: with k = 5 a team of
 * 4 is withheld with the reason and a team of 5 is shown; k = 3 (the floor) shows both; k = 10
 * withholds the whole organisation of 9.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const METRIC = 'local.commands.runs_per_day';
const q = (extra: Record<string, string> = {}) => new URLSearchParams({ ...WINDOW, ...extra }).toString();

describe.each(ENGINES)('privacy on the HTTP API on %s', (engine) => {
  let t: TestStore;
  const apps: Record<number, ReturnType<typeof buildApp>> = {};
  const get = async (k: number, path: string) => {
    const res = await apps[k]!.request(path);
    expect(res.status, path).toBe(200);
    return path === '/metrics' ? res.text() : ((await res.json()) as Json);
  };
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(t.store, privacyRecords());
    await ensureFresh(t.store, configWithK());
    for (const k of [3, 5, 10]) {
      const ctx = createContext({ store: t.store, config: configWithK(k), logger: silent, clock: () => TO });
      apps[k] = buildApp(ctx, { anonymousRead: true, bodyLimitBytes: 1 << 20 });
    }
  });
  afterAll(async () => t?.cleanup());

  it('GET /api/v1/metrics/:name: 4 people withheld with the reason, 5 shown; k = 3 shows 4', async () => {
    const five = (await get(5, `/api/v1/metrics/${METRIC}?${q({ by: 'team' })}`)) as Json;
    // Runs per day of the window the server read (cut to the data's span).
    const perDay = (runs: number) => runs / ((Date.parse(five.to) - Date.parse(five.from)) / 86_400_000);
    expect(five.values).toEqual([
      { bucket: null, group: 'five', value: expect.closeTo(perDay(5 * RUNS_PER_PERSON), 9), people: 5 },
      { bucket: null, group: 'four', value: null, people: 4, withheld: withheldReason(4, 5) },
    ]);
    const three = (await get(3, `/api/v1/metrics/${METRIC}?${q({ by: 'team' })}`)) as Json;
    expect(three.values[1]).toEqual({
      bucket: null,
      group: 'four',
      value: expect.closeTo(perDay(4 * RUNS_PER_PERSON), 9),
      people: 4,
    });
    const filtered = (await get(5, `/api/v1/metrics/${METRIC}?${q({ team: 'four' })}`)) as Json;
    expect(filtered.values[0]).toMatchObject({ value: null, withheld: withheldReason(4, 5) });
  });

  it('GET /api/v1/registry says which metrics are personal', async () => {
    const r = (await get(5, '/api/v1/registry')) as Json;
    const byName = new Map((r.metrics as Json[]).map((m) => [m.name, m.personal]));
    expect(byName.get(METRIC)).toBe(true);
    expect(byName.get('dora.deploys.count')).toBe(false);
  });

  it('explain: no row of a personal metric is listed; no count below k', async () => {
    const five = (await get(
      5,
      `/api/v1/metrics/${METRIC}/explain?${q({ by: 'team', group: 'five' })}`,
    )) as Json;
    expect(five).toMatchObject({ rows: [], total: 5 * RUNS_PER_PERSON, people: 5 });
    expect(five.withheld).toMatch(/rows not listed/);
    const four = (await get(
      5,
      `/api/v1/metrics/${METRIC}/explain?${q({ by: 'team', group: 'four' })}`,
    )) as Json;
    expect(four).toMatchObject({ rows: [], total: null, people: 4 });
    expect(four.withheld).toContain(withheldReason(4, 5));
    const three = (await get(
      3,
      `/api/v1/metrics/${METRIC}/explain?${q({ by: 'team', group: 'four' })}`,
    )) as Json;
    expect(three).toMatchObject({ rows: [], total: 4 * RUNS_PER_PERSON });
  });

  it('GET /api/v1/report: the small team’s lines carry the reason and no status; the big team’s a value', async () => {
    const r = (await get(5, `/api/v1/report?${q({ by: 'team' })}`)) as Json;
    const line = (g: string) => (r.lines as Json[]).find((l) => l.metric === METRIC && l.group === g)!;
    expect(line('four')).toMatchObject({
      value: null,
      status: 'none',
      people: 4,
      withheld: withheldReason(4, 5),
    });
    expect(line('five')).toMatchObject({ people: 5 });
    expect(line('five').value).toBeGreaterThan(0);
    expect(line('five').withheld).toBeUndefined();
    const local = (r.lines as Json[]).filter((l) => l.metric.startsWith('local.') && l.group === 'four');
    expect(local.length).toBeGreaterThan(5);
    expect(local.every((l) => l.value === null && l.withheld)).toBe(true);
    const three = (await get(3, `/api/v1/report?${q({ by: 'team' })}`)) as Json;
    // Same people counts, same runs each: the team of 4 ran 4/5 of what the team of 5 ran.
    const at3 = (g: string) =>
      (three.lines as Json[]).find((l) => l.metric === METRIC && l.group === g)!.value;
    expect(at3('four')).toBeCloseTo((at3('five') * 4) / 5, 9);
  });

  it('GET /api/v1/inner-loop reads k from config', async () => {
    const five = (await get(5, `/api/v1/inner-loop?${q({ team: 'four' })}`)) as Json;
    expect(five.minPeople).toBe(5);
    expect(five.summary).toMatchObject({ runs: null, withheld: withheldReason(0, 5) });
    const three = (await get(3, `/api/v1/inner-loop?${q({ team: 'four' })}`)) as Json;
    expect(three.summary).toMatchObject({ runs: 4 * RUNS_PER_PERSON, people: 4, withheld: null });
    const ten = (await get(10, `/api/v1/inner-loop?${q()}`)) as Json;
    expect(ten.summary.withheld).toMatch(/fewer than 10 people/);
    expect(ten.chokepoints).toEqual([]);
  });

  it('GET /api/v1/headline: local wait shown over 9 people, withheld (and out of both totals) at k = 10', async () => {
    const five = (await get(5, `/api/v1/headline?${q()}`)) as Json;
    expect(five.localWithheld).toBeNull();
    expect(five.hoursSavedInputs.current.localWaitHours).toBeGreaterThan(0);
    const ten = (await get(10, `/api/v1/headline?${q()}`)) as Json;
    expect(ten.localWithheld).toBe(withheldReason(9, 10));
    expect(ten.hoursSavedInputs.current.localWaitHours).toBeNull();
    expect(ten.hoursSavedInputs.current.totalHours).toBeCloseTo(
      five.hoursSavedInputs.current.totalHours - five.hoursSavedInputs.current.localWaitHours,
      9,
    );
  });

  it('/metrics: a withheld series is left out and counted; k = 3 exports it', async () => {
    const five = (await get(5, '/metrics')) as string;
    const name = 'pitwall_local_commands_runs_per_day';
    expect(five).toMatch(new RegExp(`^${name}\\{team="five"\\} `, 'm'));
    expect(five).not.toMatch(new RegExp(`^${name}\\{team="four"\\}`, 'm'));
    expect(five).not.toMatch(new RegExp(`^${name}\\{repo="acme/four"\\}`, 'm'));
    expect(five).toMatch(new RegExp(`^# HELP ${name} .*fewer than 5 people are withheld`, 'm'));
    // team four and repo acme/four.
    expect(five).toMatch(/^pitwall_local_commands_runs_per_day_withheld 2$/m);
    const three = (await get(3, '/metrics')) as string;
    expect(three).toMatch(new RegExp(`^${name}\\{team="four"\\} `, 'm'));
    expect(three).toMatch(/^pitwall_local_commands_runs_per_day_withheld 0$/m);
    const ten = (await get(10, '/metrics')) as string;
    expect(ten).not.toMatch(new RegExp(`^${name}(\\{| )`, 'm'));
    expect(ten).toMatch(/^pitwall_local_commands_runs_per_day_withheld 5$/m);
  });
});
