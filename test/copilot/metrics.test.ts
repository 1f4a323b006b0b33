import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest.js';
import { copilotDefinitions } from '../../src/metrics/definitions/copilot.js';
import { MetricRegistry, explainMetric } from '../../src/metrics/registry/registry.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * A planted organisation: eight `core` and three `web` developers commit in the two weeks;
 * Copilot points for the org and both teams, and completions by editor and language. Every
 * expected figure is counted by hand from these rows.
 */
const FROM = new Date('2024-03-04T00:00:00Z');
const TO = new Date('2024-03-18T00:00:00Z');
const DAY = 86_400_000;
const at = (d: number) => new Date(FROM.getTime() + d * DAY).toISOString();
const CORE = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'];
const WEB = ['w1', 'w2', 'w3'];
/** Org active users per day: 5 peaks week one, 7 week two; weekends low. */
const ORG_ACTIVE = [3, 5, 4, 4, 2, 1, 0, 6, 7, 6, 5, 4, 1, 0];

function records(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    ...CORE.map((login) => ({ kind: 'person', login, team: 'core' })),
    ...WEB.map((login) => ({ kind: 'person', login, team: 'web' })),
  ];
  [...CORE, ...WEB].forEach((author, i) =>
    out.push({
      kind: 'commit',
      repo: 'acme/api',
      sha: String(i).padEnd(40, 'b'),
      author,
      authored_at: at(2),
      committed_at: at(2),
      subject: 'work',
    }),
  );
  const point = (name: string, d: number, value: number, tags: Record<string, string>) =>
    out.push({
      kind: 'metric_point',
      name,
      occurred_at: at(d),
      type: 'gauge',
      value,
      tags: { org: 'acme', ...tags },
    });
  ORG_ACTIVE.forEach((v, d) => point('copilot.active_users', d, v, {}));
  point('copilot.active_users', 3, 6, { team: 'core' });
  point('copilot.active_users', 3, 2, { team: 'web' });
  // A point outside the window counts nowhere.
  point('copilot.active_users', 20, 11, {});
  for (const d of [1, 8]) {
    point('copilot.suggestions', d, 100, { editor: 'vscode', language: 'python' });
    point('copilot.acceptances', d, 30, { editor: 'vscode', language: 'python' });
    point('copilot.suggestions', d, 50, { editor: 'jetbrains', language: 'java' });
    point('copilot.acceptances', d, 10, { editor: 'jetbrains', language: 'java' });
    const f = { feature: 'code_completions' };
    point('copilot.engaged_users', d, 20, {});
    point('copilot.engaged_users', d, 18, f);
    point('copilot.engaged_users', d, 15, { ...f, editor: 'vscode' });
    point('copilot.engaged_users', d, 3, { ...f, editor: 'jetbrains' });
    point('copilot.engaged_users', d, 12, { ...f, language: 'python' });
    point('copilot.engaged_users', d, 3, { ...f, language: 'java' });
    point('copilot.engaged_users', d, 12, { ...f, editor: 'vscode', language: 'python' });
    point('copilot.engaged_users', d, 3, { ...f, editor: 'jetbrains', language: 'java' });
    point('copilot.engaged_users', d, 9, { ...f, team: 'core' });
    point('copilot.suggestions', d, 40, { team: 'core', editor: 'vscode', language: 'python' });
    point('copilot.acceptances', d, 16, { team: 'core', editor: 'vscode', language: 'python' });
  }
  return out;
}

const registry = new MetricRegistry(copilotDefinitions);

describe.each(ENGINES)('Copilot metrics on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(t.store, records() as never);
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  const compute = (name: string, req: Record<string, unknown> = {}) =>
    registry.compute(t.store, name, { from: FROM, to: TO, ...req });

  it('adoption: the busiest day over active developers, by team, withheld below five people', async () => {
    expect(await compute('copilot.adoption.active_share')).toEqual([
      { bucket: null, group: null, value: 7 / 11, people: 11 },
    ]);
    const byTeam = await compute('copilot.adoption.active_share', { by: 'team' });
    expect(byTeam.find((v) => v.group === 'core')).toMatchObject({ value: 6 / 8, people: 8 });
    const web = byTeam.find((v) => v.group === 'web')!;
    expect(web).toMatchObject({ value: null, people: 3 });
    expect(web.withheld).toMatch(/fewer than 5 people/);
    expect(await compute('copilot.adoption.active_share', { where: { team: 'core' } })).toEqual([
      { bucket: null, group: null, value: 6 / 8, people: 8 },
    ]);
  });

  it('adoption over seats once the seat total is collected: the sample nearest each bucket', async () => {
    const t2 = await openTestStore(engine);
    try {
      const seat = (day: number, value: number) => ({
        kind: 'metric_point',
        name: 'copilot.seats',
        occurred_at: at(day),
        type: 'gauge',
        value,
        tags: { org: 'acme' },
      });
      await ingest(t2.store, [...records(), seat(1, 8), seat(16, 10)] as never);
      const r = (req: Record<string, unknown> = {}) =>
        registry.compute(t2.store, 'copilot.adoption.active_share', { from: FROM, to: TO, ...req });
      expect(await r()).toEqual([{ bucket: null, group: null, value: 0.7, people: 10 }]);
      const weeks = await r({ bucket: 'week' });
      expect(weeks.map((w) => [w.bucket!.toISOString(), w.value, w.people])).toEqual([
        ['2024-03-04T00:00:00.000Z', 5 / 8, 8],
        ['2024-03-11T00:00:00.000Z', 7 / 10, 10],
      ]);
      // Teams have no seat total of their own: their developers stay the denominator.
      expect((await r({ by: 'team' })).find((v) => v.group === 'core')).toMatchObject({ value: 0.75 });
    } finally {
      await t2.cleanup();
    }
  });

  it('acceptance rate: org, by editor and language with their engaged users, small groups withheld', async () => {
    expect(await compute('copilot.completions.acceptance_rate')).toEqual([
      { bucket: null, group: null, value: 80 / 300, people: 18 },
    ]);
    const editors = await compute('copilot.completions.acceptance_rate', { by: 'editor' });
    expect(editors.find((v) => v.group === 'vscode')).toMatchObject({ value: 0.3, people: 15 });
    expect(editors.find((v) => v.group === 'jetbrains')).toMatchObject({ value: null, people: 3 });
    const langs = await compute('copilot.completions.acceptance_rate', {
      by: 'language',
      where: { editor: 'vscode' },
    });
    expect(langs).toEqual([{ bucket: null, group: 'python', value: 0.3, people: 12 }]);
    const core = await compute('copilot.completions.acceptance_rate', { by: 'team' });
    expect(core).toEqual([{ bucket: null, group: 'core', value: 0.4, people: 9 }]);
    const daily = await compute('copilot.completions.acceptance_rate', { bucket: 'day' });
    expect(daily.map((d) => [d.bucket!.toISOString(), d.value])).toEqual([
      [at(1), 40 / 150],
      [at(8), 40 / 150],
    ]);
  });

  it('rows behind: answered without listing rows, as for every personal metric', async () => {
    for (const name of ['copilot.adoption.active_share', 'copilot.completions.acceptance_rate']) {
      const e = await explainMetric(t.store, registry, name, { from: FROM, to: TO });
      expect(e.rows, name).toEqual([]);
      expect(e.withheld, name).toMatch(/rows not listed/);
    }
  });
});
