import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitwallApiError, PitwallClient } from '../../src/client/index.js';
import { loadConfig } from '../../src/plugins.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures-own', 'surveys');
const EXPORT = readFileSync(join(FIXTURES, 'qualtrics-current-choice-text.csv'), 'utf8');
const KEY = 'server-side-survey-key-0042';

/** The survey collector and POST /api/v1/surveys share the parser: the same file gives the same rows. */
describe.each(ENGINES)('POST /api/v1/surveys on %s', (engine) => {
  let t: TestStore;
  let dir: string;
  let server: RunningServer;
  let writer: PitwallClient;
  let reader: PitwallClient;
  const count = async () =>
    Number((await t.store.query<{ n: number }>('select count(*) as n from survey_responses'))[0]!.n);
  const failure = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(PitwallApiError);
    return e as PitwallApiError;
  };

  beforeAll(async () => {
    t = await openTestStore(engine);
    dir = mkdtempSync(join(tmpdir(), 'pitwall-survey-api-'));
    writeFileSync(
      join(dir, 'pitwall.yaml'),
      `privacy:\n  min_group_size: 3\nsurveys:\n  questions:\n    QID2: satisfaction\n    QID4: flow_days\n`,
    );
    const config = loadConfig({ path: join(dir, 'pitwall.yaml'), env: { PITWALL_SURVEY_KEY: KEY } });
    server = await startServer({
      store: t.store,
      config,
      logger: pino({ level: 'silent' }),
      host: '127.0.0.1',
      port: 0,
      clock: () => new Date('2026-11-30T00:00:00Z'),
      schedule: false,
    });
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
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a Qualtrics export posted as CSV (scope ingest); its answers are in the metrics at once; re-posting changes nothing', async () => {
    const r = await writer.importSurvey(EXPORT, { format: 'qualtrics', survey: 'pulse-2026-11' });
    expect(r).toMatchObject({
      survey: 'pulse-2026-11',
      layout: 'qualtrics-current',
      responses: 6,
      answers: 59,
      written: 59,
      skipped: { preview: 1, unfinished: 1 },
      pseudonymised: true,
    });
    expect(r.questions).toContainEqual({ question: 'QID1', construct: 'nps', kind: 'scale' });
    const q = { from: '2026-11-01T00:00:00Z', to: '2026-11-30T00:00:00Z' };
    const nps = await reader.metric('dx.survey.nps', q);
    expect(nps.values[0]).toMatchObject({ people: 6 });
    expect(nps.values[0]!.value).toBeCloseTo(((3 - 2) / 6) * 100, 9);
    const sat = await reader.metric('dx.survey.satisfaction', q);
    // Very satisfied 5, Somewhat dissatisfied 2, Somewhat satisfied 4, Very satisfied 5, Very dissatisfied 1, Somewhat satisfied 4.
    expect(sat.values[0]!.value).toBeCloseTo(21 / 6, 9);
    // Per team: search has 3 respondents (shown at k = 3), payments 3.
    const flow = await reader.metric('dx.survey.flow_days', { ...q, by: 'team' });
    expect(Object.fromEntries(flow.values.map((v) => [v.group, v.value]))).toEqual({
      payments: 3,
      search: 2,
    });
    const before = await t.store.query('select * from survey_responses order by respondent, question');
    await writer.importSurvey(EXPORT, { format: 'qualtrics', survey: 'pulse-2026-11' });
    expect(await t.store.query('select * from survey_responses order by respondent, question')).toEqual(
      before,
    );
    expect(JSON.stringify(before)).not.toMatch(/example\.com|203\.0\.113|Lovelace/);
    expect(JSON.stringify(before)).not.toContain(KEY);
  });

  it('refuses bad input with 400 naming the problem, and writes nothing', async () => {
    const n = await count();
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => writer.importSurvey(EXPORT, { format: 'surveymonkey' as 'csv', survey: 'x' }), /format/],
      [() => writer.importSurvey(EXPORT, { format: 'qualtrics', survey: '' }), /survey/],
      [
        () =>
          writer.importSurvey(EXPORT.slice(0, EXPORT.indexOf('"Jenkins is slow') + 20), {
            format: 'qualtrics',
            survey: 'cut',
          }),
        /body:\d+: not a well-formed CSV file/,
      ],
      [
        () =>
          writer.importSurvey(EXPORT.replace(',4 days,', ',9 days,'), { format: 'qualtrics', survey: 'off' }),
        /line 4 \(response R_1a2B3c4D5e6F7g8\), column Q4 .*9 is outside the flow_days scale \(0 to 5\)/,
      ],
      [
        () => writer.importSurvey('Email,Team\nada@example.com,payments\n', { format: 'csv', survey: 'csv' }),
        /no column "respondent" \(surveys\.csv\.respondent/,
      ],
    ];
    for (const [p, pattern] of cases) {
      const e = await failure(p());
      expect(e.status).toBe(400);
      expect(e.message).toMatch(pattern);
    }
    // The generic ingest API holds survey answers to their construct's scale too.
    const off = await failure(
      writer.ingest([
        {
          kind: 'survey_response',
          survey: 's',
          respondent: 'p_1',
          question: 'q',
          construct: 'flow_days',
          answered_at: '2026-11-02T00:00:00Z',
          score: 6,
        },
      ]),
    );
    expect(off.status).toBe(400);
    expect(off.message).toMatch(/score: 6 is outside the flow_days scale \(0 to 5\)/);
    // A reader may not import.
    expect((await failure(reader.importSurvey(EXPORT, { format: 'qualtrics', survey: 'r' }))).status).toBe(
      403,
    );
    expect(await count()).toBe(n);
  });
});
