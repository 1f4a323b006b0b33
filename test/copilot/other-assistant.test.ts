import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * Another AI assistant's usage sent as the same metric points through POST /api/v1/ingest (the
 * body docs/copilot.md shows), beside Copilot's: each assistant's adoption apart, and the
 * organisation's value the most used one's, over developers (one's seats do not license the other).
 */
const FROM = '2024-03-04T00:00:00.000Z';
const TO = '2024-03-11T00:00:00.000Z';
const DEVS = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9', 'd10'];

/** The docs' example: one day of an in-house assistant's users, suggestions and acceptances. */
const day = (date: string, active: number) => [
  {
    kind: 'metric_point',
    name: 'copilot.active_users',
    occurred_at: `${date}T00:00:00Z`,
    type: 'gauge',
    value: active,
    tags: { assistant: 'codeassist', org: 'acme' },
  },
  {
    kind: 'metric_point',
    name: 'copilot.engaged_users',
    occurred_at: `${date}T00:00:00Z`,
    type: 'gauge',
    value: active,
    tags: { assistant: 'codeassist', org: 'acme', feature: 'code_completions' },
  },
  {
    kind: 'metric_point',
    name: 'copilot.suggestions',
    occurred_at: `${date}T00:00:00Z`,
    type: 'count',
    value: 200,
    tags: { assistant: 'codeassist', org: 'acme', editor: 'vscode', language: 'go' },
  },
  {
    kind: 'metric_point',
    name: 'copilot.acceptances',
    occurred_at: `${date}T00:00:00Z`,
    type: 'count',
    value: 50,
    tags: { assistant: 'codeassist', org: 'acme', editor: 'vscode', language: 'go' },
  },
];

describe.each(ENGINES)('another assistant through the ingest API on %s', (engine) => {
  let t: TestStore;
  let server: RunningServer;
  let token: string;
  beforeAll(async () => {
    t = await openTestStore(engine);
    const point = (
      name: string,
      value: number,
      tags: Record<string, string>,
      at = '2024-03-05T00:00:00Z',
    ) => ({
      kind: 'metric_point',
      name,
      occurred_at: at,
      type: 'gauge',
      value,
      tags: { org: 'acme', ...tags },
    });
    await ingest(t.store, [
      ...DEVS.map((author, i) => ({
        kind: 'commit',
        repo: 'acme/api',
        sha: String(i).padEnd(40, 'c'),
        author,
        authored_at: '2024-03-05T10:00:00Z',
        committed_at: '2024-03-05T10:00:00Z',
        subject: 'work',
      })),
      // Copilot (no assistant tag): 6 users on 8 seats, 100 shown and 40 accepted by 6 people.
      point('copilot.active_users', 6, {}),
      point('copilot.seats', 8, {}),
      point('copilot.engaged_users', 6, { feature: 'code_completions' }),
      { ...point('copilot.suggestions', 100, { editor: 'vscode', language: 'go' }), type: 'count' },
      { ...point('copilot.acceptances', 40, { editor: 'vscode', language: 'go' }), type: 'count' },
    ] as never);
    server = await startServer({
      store: t.store,
      config: testConfig(),
      logger: pino({ level: 'silent' }),
      host: '127.0.0.1',
      port: 0,
      anonymousRead: true,
      clock: () => new Date(TO),
      schedule: false,
    });
    token = (await server.ctx.tokens.create('assistant-bridge', ['ingest'])).token;
  });
  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
  });
  const metric = async (name: string, q: Record<string, string> = {}) => {
    const res = await fetch(
      `${server.url}/api/v1/metrics/${name}?${new URLSearchParams({ from: FROM, to: TO, ...q })}`,
    );
    expect(res.status).toBe(200);
    return (
      (await res.json()) as { values: { group: string | null; value: number | null; people?: number }[] }
    ).values;
  };

  it('the points are accepted and each assistant reads apart; together the most used one over developers', async () => {
    const res = await fetch(`${server.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ records: [...day('2024-03-05', 7), ...day('2024-03-06', 5)] }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { written: Record<string, number> }).written).toEqual({ metric_point: 8 });

    const byAssistant = await metric('copilot.adoption.active_share', { by: 'assistant' });
    expect(byAssistant).toEqual([
      { bucket: null, group: 'codeassist', value: 0.7, people: 10 },
      { bucket: null, group: 'copilot', value: 0.75, people: 8 },
    ]);
    expect(await metric('copilot.adoption.active_share')).toEqual([
      { bucket: null, group: null, value: 0.7, people: 10 },
    ]);
    expect(await metric('copilot.adoption.active_share', { assistant: 'copilot' })).toEqual([
      { bucket: null, group: null, value: 0.75, people: 8 },
    ]);
    const rates = await metric('copilot.completions.acceptance_rate', { by: 'assistant' });
    expect(rates).toEqual([
      { bucket: null, group: 'codeassist', value: 100 / 400, people: 7 },
      { bucket: null, group: 'copilot', value: 0.4, people: 6 },
    ]);
    expect(await metric('copilot.completions.acceptance_rate')).toEqual([
      { bucket: null, group: null, value: 140 / 500, people: 7 },
    ]);
  });

  it('a point with a bad name or value is refused naming the field, and nothing is written', async () => {
    const before = await metric('copilot.adoption.active_share', { by: 'assistant' });
    const [good] = day('2024-03-07', 9);
    const res = await fetch(`${server.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ records: [good, { ...good, name: 'Copilot Active Users', value: 'nine' }] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { code: string; details: { problems: { index: number; field: string }[] } };
    };
    expect(body.error.code).toBe('invalid_records');
    expect(body.error.details.problems.map((p) => [p.index, p.field]).sort()).toEqual([
      [1, 'name'],
      [1, 'value'],
    ]);
    expect(await metric('copilot.adoption.active_share', { by: 'assistant' })).toEqual(before);
  });
});
