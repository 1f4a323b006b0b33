import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { PitwallApiError, PitwallClient } from '../../src/client/index.js';
import type { Config } from '../../src/config/schema.js';
import { pseudonymise } from '../../src/domain/pseudonymise.js';
import { ingest } from '../../src/ingest/ingest.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

const KEY = 'a-test-key-of-some-length';
const NOW = new Date('2025-03-01T00:00:00Z');

function configWith(feedback: Partial<Config['feedback']>): Config {
  const base = testConfig();
  return { ...base, feedback: { ...base.feedback, pseudonym_key: KEY, ...feedback } } as Config;
}

async function serve(t: TestStore, config: Config): Promise<RunningServer> {
  return startServer({
    store: t.store,
    config,
    logger: pino({ level: 'silent' }),
    host: '127.0.0.1',
    port: 0,
    clock: () => NOW,
    schedule: false,
  });
}

const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(PitwallApiError);
  return e as PitwallApiError;
};

describe.each(ENGINES)('POST /api/v1/feedback and the summary on %s', (engine) => {
  let t: TestStore;
  let server: RunningServer;
  let writer: PitwallClient;
  let reader: PitwallClient;
  const count = async () =>
    Number((await t.store.query<{ n: number }>('select count(*) as n from feedback'))[0]!.n);
  beforeAll(async () => {
    t = await openTestStore(engine);
    server = await serve(t, configWith({ public_form: false }));
    writer = new PitwallClient({
      baseUrl: server.url,
      token: (await server.ctx.tokens.create('w', ['ingest'])).token,
    });
    reader = new PitwallClient({
      baseUrl: server.url,
      token: (await server.ctx.tokens.create('r', ['read'])).token,
    });
  });
  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
  });

  it('stores authored feedback under the keyed-hash pseudonym, never the identifier', async () => {
    const r = await writer.feedback({
      category: 'ci',
      sentiment: 'friction',
      text: 'Jenkins is slow again',
      author: 'Ada@Example.com',
      team: 'payments',
      occurred_at: '2025-02-20T10:00:00Z',
    });
    expect(r.anonymous).toBe(false);
    const rows = await t.store.query<{ author: string; team: string }>(
      'select author, team from feedback where id = $1',
      [r.id],
    );
    expect(rows[0]!.author).toBe(pseudonymise(KEY, 'ada@example.com'));
    expect(JSON.stringify(rows)).not.toMatch(/ada/i);
  });

  it('refuses bad bodies with 400 naming the field, writing nothing', async () => {
    const before = await count();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ category: 'weather', sentiment: 'friction', text: 'x' }, /category: expected one of ci, tests/],
      [
        { category: 'ci', sentiment: 'angry', text: 'x' },
        /sentiment: expected praise, friction, idea or other/,
      ],
      [{ category: 'ci', sentiment: 'friction', text: '   ' }, /text: must not be empty/],
      [{ category: 'ci', sentiment: 'friction', text: 'x', mood: 1 }, /mood/],
      [{ category: 'ci', sentiment: 'friction', text: 'x', occurred_at: '2025-02-30' }, /occurred_at/],
    ];
    for (const [body, message] of cases) {
      const e = await failure(writer.feedback(body as never));
      expect(e.status).toBe(400);
      expect(e.message).toMatch(message);
    }
    expect(await count()).toBe(before);
  });

  it('needs the ingest scope while the public form is off', async () => {
    const anonymous = new PitwallClient({ baseUrl: server.url });
    expect(
      (await failure(anonymous.feedback({ category: 'ci', sentiment: 'friction', text: 'x' }))).status,
    ).toBe(401);
    expect(
      (await failure(reader.feedback({ category: 'ci', sentiment: 'friction', text: 'x' }))).status,
    ).toBe(403);
    const page = await fetch(`${server.url}/feedback`);
    expect(page.status).toBe(403);
    expect(await page.text()).toMatch(/feedback.public_form/);
  });

  it('answers the summary with friction by category and drivers, withholding a theme of fewer than 5 developers', async () => {
    const people = ['a', 'b', 'c', 'd', 'e', 'f'];
    await ingest(t.store, [
      // Six developers report slow CI in feedback or in a survey comment; one of them twice.
      ...people.slice(0, 4).map((p, i) => ({
        kind: 'feedback',
        id: `s-${i}`,
        occurred_at: new Date('2025-02-10T09:00:00Z'),
        author: pseudonymise(KEY, p),
        team: 'payments',
        category: 'ci',
        sentiment: 'friction',
        text: 'CI builds are slow',
      })),
      ...['d', 'e', 'f'].map((p) => ({
        kind: 'survey_response',
        survey: 'pulse-2025-02',
        respondent: pseudonymise(KEY, p),
        question: 'comment',
        team: 'payments',
        answered_at: new Date('2025-02-11T09:00:00Z'),
        score: null,
        comment: 'the pipeline is slow',
      })),
      // Two developers praise the docs: too few to show.
      ...['a', 'b'].map((p, i) => ({
        kind: 'feedback',
        id: `d-${i}`,
        occurred_at: new Date('2025-02-12T09:00:00Z'),
        author: pseudonymise(KEY, p),
        team: 'payments',
        category: 'docs',
        sentiment: 'praise',
        text: 'Great docs',
      })),
    ]);
    const s = await reader.feedbackSummary({ from: '2025-02-01', to: '2025-03-01' });
    const ci = s.drivers.dissatisfaction.find((d) => d.theme === 'ci-slow')!;
    // Ada (posted above) and a..f: 7 distinct developers; d is counted once across both sources.
    expect(ci.people).toBe(7);
    expect(ci.summary).toBe('Slow CI builds: mentioned by 7 developers');
    const docs = s.drivers.satisfaction.find((d) => d.theme === 'good-docs')!;
    expect(docs.people).toBeNull();
    expect(docs.withheld).toMatch(/fewer than 5 people \(privacy.min_group_size\)/);
    const ciFriction = s.friction.byCategory.find((c) => c.category === 'ci')!;
    expect(ciFriction.reports).toBe(5);
    expect(ciFriction.previous).toBe(0);
    // The week of 10 February has four reporters: withheld; the window's total (five) is not.
    const week = s.friction.weekly.find((w) => w.week === '2025-02-10')!;
    expect(week.reports).toBeNull();
    expect(week.withheld).toMatch(/fewer than 5 people/);
    expect(s.friction.total.reports).toBe(5);
    expect(JSON.stringify(s)).not.toMatch(/pipeline is slow|p_[0-9a-f]{32}/);
    const bad = await failure(reader.feedbackSummary({ from: '2025-13-01' }));
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(/from/);
  });
});

describe.each(ENGINES)('the public feedback form on %s', (engine) => {
  let t: TestStore;
  let server: RunningServer;
  beforeAll(async () => {
    t = await openTestStore(engine);
    server = await serve(t, configWith({ public_form: true, categories: ['ci', 'docs', 'other'] }));
  });
  afterAll(async () => {
    await server?.close();
    await t?.cleanup();
  });
  const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(body).toString(),
    });

  it('serves a plain form with the configured categories, embeddable in an iframe', async () => {
    const res = await fetch(`${server.url}/feedback?team=payments`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe('frame-ancestors *');
    const html = await res.text();
    expect(html).toMatch(/<form method="post" action="\/feedback">/);
    expect(html).toMatch(/<option value="docs">docs<\/option>/);
    expect(html).toMatch(/value="payments"/);
    expect(html).not.toMatch(/<script/);
  });

  it('records an anonymous post and thanks the sender', async () => {
    const res = await post(
      { category: 'docs', sentiment: 'friction', text: 'Docs are out of date', team: 'web' },
      { origin: server.url },
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/Thank you/);
    const rows = await t.store.query<{ author: string | null; team: string; text: string }>(
      'select author, team, text from feedback',
    );
    expect(rows).toEqual([{ author: null, team: 'web', text: 'Docs are out of date' }]);
  });

  it('shows the problem in the form, keeps what was typed, and writes nothing', async () => {
    const res = await post({ category: 'weather', sentiment: 'friction', text: 'It <b>rains</b>' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/role="alert"[^>]*>form category: expected one of ci, docs, other/);
    expect(html).toMatch(/It &lt;b&gt;rains&lt;\/b&gt;/);
    const empty = await post({ category: 'ci', sentiment: 'friction', text: '  ' });
    expect(await empty.text()).toMatch(/form text: must not be empty/);
    expect(Number((await t.store.query<{ n: number }>('select count(*) as n from feedback'))[0]!.n)).toBe(1);
  });

  it('refuses a post from another site, and an author without a token', async () => {
    const cross = await post(
      { category: 'ci', sentiment: 'friction', text: 'spam' },
      { origin: 'https://evil.example' },
    );
    expect(cross.status).toBe(403);
    expect(await cross.text()).toMatch(/same-origin/);
    const author = await post({ category: 'ci', sentiment: 'friction', text: 'x', author: 'ada' });
    expect(author.status).toBe(400);
    expect(await author.text()).toMatch(/author/);
    const api = new PitwallClient({ baseUrl: server.url });
    const e = await failure(
      api.feedback({ category: 'ci', sentiment: 'friction', text: 'x', author: 'ada' }),
    );
    expect(e.status).toBe(401);
    expect(e.message).toMatch(/body author: feedback with an author needs a token/);
    const ok = await api.feedback({ category: 'ci', sentiment: 'praise', text: 'thanks' });
    expect(ok.anonymous).toBe(true);
    expect(Number((await t.store.query<{ n: number }>('select count(*) as n from feedback'))[0]!.n)).toBe(2);
  });
});
