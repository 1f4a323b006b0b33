import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../../src/demo/generate.js';
import type { DemoTruth } from '../../src/demo/truth.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { loadConfig } from '../../src/plugins.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * The Copilot metrics recover what the demo planted (src/demo/copilot.ts): the share of
 * developers using the assistant, for the organisation, each team and each week, and the
 * acceptance rate of its suggestions.
 */
const config = loadConfig({ cwd: '/nonexistent', env: {} });
const registry = registryFor(config);
const OPTIONS = { developers: 40, days: 56, seed: 5, end: new Date('2026-06-01T00:00:00Z') };

describe.each(ENGINES)('Copilot adoption recovers the demo’s planted values on %s', (engine) => {
  let t: TestStore;
  let truth: DemoTruth;
  let window: { from: Date; to: Date };
  beforeAll(async () => {
    t = await openTestStore(engine);
    const demo = createDemo(OPTIONS);
    for (const batch of demo.batches(20_000)) await ingest(t.store, batch);
    await ensureFresh(t.store, config);
    truth = demo.truth;
    window = { from: new Date(truth.window.from), to: new Date(truth.window.to) };
  }, 240_000);
  afterAll(async () => t?.cleanup());

  it('adoption: the planted users over the seats (every developer has one), per week and per team', async () => {
    const users = truth.copilot.users;
    expect(users.length / OPTIONS.developers).toBe(truth.copilot.share);
    const [org] = await registry.compute(t.store, 'copilot.adoption.active_share', window);
    expect(org).toMatchObject({ people: OPTIONS.developers });
    expect(org!.value).toBeCloseTo(0.85, 12);
    const weeks = await registry.compute(t.store, 'copilot.adoption.active_share', {
      ...window,
      bucket: 'week',
    });
    expect(weeks.length).toBeGreaterThanOrEqual(8);
    for (const w of weeks) expect(w.value, w.bucket!.toISOString()).toBeCloseTo(0.85, 12);
    // Teams have no seats: their own users over their active developers (all active in 8 weeks).
    const teams = await registry.compute(t.store, 'copilot.adoption.active_share', { ...window, by: 'team' });
    expect(teams.map((v) => v.group).sort()).toEqual(truth.teams.map((x) => x.team).sort());
    for (const team of truth.teams) {
      const got = teams.find((v) => v.group === team.team)!;
      const mine = users.filter((u) => team.members.includes(u)).length;
      expect(got.people, team.team).toBe(team.members.length);
      expect(got.value, team.team).toBeCloseTo(mine / team.members.length, 12);
    }
  });

  it('acceptance rate: the planted rate, overall and per editor with enough people', async () => {
    const [all] = await registry.compute(t.store, 'copilot.completions.acceptance_rate', window);
    expect(all!.value).toBeCloseTo(truth.copilot.acceptanceRate, 9);
    expect(all!.people).toBe(truth.copilot.users.length);
    const editors = await registry.compute(t.store, 'copilot.completions.acceptance_rate', {
      ...window,
      by: 'editor',
    });
    expect(editors.length).toBeGreaterThan(0);
    for (const e of editors) {
      expect(e.people, e.group!).toBeGreaterThanOrEqual(5);
      expect(e.value, e.group!).toBeCloseTo(truth.copilot.acceptanceRate, 9);
    }
    // Like the collector, the demo stores no breakdown of fewer than five people.
    const small = await t.store.query<{ n: number }>(
      `select count(*) as n from metric_points where name = 'copilot.engaged_users'
         and (cast(tags as json) ->> 'feature') = 'code_completions' and value < 5
         and ((cast(tags as json) ->> 'editor') is not null or (cast(tags as json) ->> 'language') is not null)`,
    );
    expect(Number(small[0]!.n)).toBe(0);
  });
});
