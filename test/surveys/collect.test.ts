import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, queryOnce, storeEnv, type TestStore } from '../helpers/stores.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures-own', 'surveys');
const KEY = 'k3y-for-survey-tests-0001';

/** One config for both Qualtrics layouts: the current export by QID, the legacy one by question text. */
const CONFIG = `surveys:
  questions:
    QID2: satisfaction
    QID3_1: space_communication
    QID3_2: dx_speed
    QID3_3: dx_impact
    QID4: flow_days
    QID6: valuable_work_share
    How mentally taxing is it to get a change into production?:
      construct: cognitive_load
      labels: { Not at all taxing: 1, Slightly taxing: 2, Moderately taxing: 3, Very taxing: 4, Extremely taxing: 5 }
    How likely are you to recommend our developer platform to a colleague?: nps
    Overall, how satisfied are you with the developer platform?: satisfaction
    Anything else you want to tell the platform team?: { type: text }
    How satisfied are you with our internal tools?: tool_satisfaction
    Days with focused time per week: flow_days
    Comments: { type: text }
  csv:
    respondent: Email
    team: Team
    submitted_at: Submitted
`;

interface Row {
  survey: string;
  respondent: string;
  question: string;
  construct: string | null;
  team: string | null;
  answered_at: Date | string;
  score: number | null;
  choice: string | null;
  comment: string | null;
}

describe.each(ENGINES)('pitwall collect survey on %s', (engine) => {
  let t: TestStore;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const rows = (survey: string) =>
    queryOnce<Row>(
      t,
      `select * from survey_responses where survey = '${survey}' order by respondent, question`,
    );
  const count = async () =>
    Number((await queryOnce<{ n: number }>(t, 'select count(*) as n from survey_responses'))[0]!.n);
  const collect = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    cli(['collect', 'survey', ...args], { env: { ...env, ...extra }, cwd: dir });

  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    dir = mkdtempSync(join(tmpdir(), 'pitwall-survey-'));
    for (const f of ['qualtrics-current-choice-text.csv', 'qualtrics-legacy-numeric.csv', 'form-export.csv'])
      copyFileSync(join(FIXTURES, f), join(dir, f));
    writeFileSync(join(dir, 'pitwall.yaml'), CONFIG);
    env = { ...storeEnv(t), PITWALL_SURVEY_KEY: KEY, PITWALL_LOG_LEVEL: 'debug' };
  });
  afterAll(async () => {
    await t?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a current-layout Qualtrics export in choice text: constructs, labels, options, comments, times in the export’s zone', async () => {
    const r = await collect([
      'qualtrics-current-choice-text.csv',
      '--format',
      'qualtrics',
      '--survey',
      'pulse-2026-11',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'pulse-2026-11 (qualtrics-current): 6 responses, 59 answers written, respondents pseudonymised',
    );
    expect(r.stdout).toContain('QID1 -> nps');
    expect(r.stdout).toContain('skipped: 1 previews/tests/spam, 1 unfinished');
    const got = await rows('pulse-2026-11');
    expect(new Set(got.map((x) => x.respondent)).size).toBe(6);
    for (const x of got) expect(x.respondent).toMatch(/^p_[0-9a-f]{32}$/);
    const ada = got.filter(
      (x) => x.answered_at && new Date(x.answered_at).toISOString() === '2026-11-02T15:06:41.000Z',
    );
    // 08:06:41 in America/Denver (MST, UTC-7), as the ImportId row says.
    const byQ = Object.fromEntries(ada.map((x) => [x.question, x]));
    expect(byQ.QID1).toMatchObject({
      construct: 'nps',
      score: 10,
      choice: '10 - Extremely likely',
      team: 'payments',
    });
    expect(byQ.QID2).toMatchObject({ construct: 'satisfaction', score: 5, choice: 'Very satisfied' });
    expect(byQ.QID3_2).toMatchObject({ construct: 'dx_speed', score: 4, choice: 'Somewhat agree' });
    expect(byQ.QID4).toMatchObject({ construct: 'flow_days', score: 4, choice: '4 days' });
    expect(byQ.QID6).toMatchObject({ construct: 'valuable_work_share', score: 80, choice: null });
    expect(byQ.QID7).toMatchObject({ construct: 'cognitive_load', score: 2, choice: 'Slightly taxing' });
    expect(byQ.QID9_TEXT).toMatchObject({
      construct: null,
      score: null,
      comment: 'Reviews are fast; keep it up.',
    });
    // Multi-select split into columns: one answer per option chosen, named by the option.
    const options = got.filter((x) => x.question.startsWith('QID5/'));
    expect(options.filter((x) => x.question === 'QID5/Jenkins builds')).toHaveLength(3);
    expect(options.filter((x) => x.question === 'QID5/Test environments')).toHaveLength(3);
    expect(options.every((x) => x.score === 1)).toBe(true);
    // The NPS group is derived from the score, and the abandoned and preview responses are left out.
    expect(got.some((x) => x.question.includes('NPS_GROUP'))).toBe(false);
    expect(got.some((x) => x.team === 'platform')).toBe(false);
    const quoted = got.find((x) => x.comment?.startsWith('Jenkins is slow'));
    expect(quoted?.comment).toBe('Jenkins is slow, and test environments take "forever" to come up.');
  });

  it('stores no name, e-mail, IP address or key anywhere, and prints none', async () => {
    const text = readFileSync(join(dir, 'qualtrics-current-choice-text.csv'), 'utf8');
    const r = await collect([
      'qualtrics-current-choice-text.csv',
      '--format',
      'qualtrics',
      '--survey',
      'pulse-2026-11',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const stored = JSON.stringify(await queryOnce(t, 'select * from survey_responses'));
    for (const secret of ['example.com', '203.0.113', 'Lovelace', 'Ada', 'Hopper', '39.7392', KEY]) {
      expect(text.includes(secret) || secret === KEY).toBe(true);
      expect(stored).not.toContain(secret);
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
  });

  it('re-importing the same file is idempotent: same rows, same pseudonyms', async () => {
    const before = await rows('pulse-2026-11');
    const r = await collect([
      'qualtrics-current-choice-text.csv',
      '--format',
      'qualtrics',
      '--survey',
      'pulse-2026-11',
    ]);
    expect(r.code).toBe(0);
    expect(await rows('pulse-2026-11')).toEqual(before);
  });

  it('imports a legacy-layout export with numeric values, mapped by question text; the same person has the same pseudonym', async () => {
    const r = await collect(['qualtrics-legacy-numeric.csv', '--format', 'qualtrics', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { layout: string; responses: number; skipped: { preview: number } };
    expect(out).toMatchObject({
      layout: 'qualtrics-legacy',
      responses: 3,
      skipped: { preview: 1, unfinished: 0 },
    });
    const got = await rows('qualtrics-legacy-numeric');
    const nps = got
      .filter((x) => x.construct === 'nps')
      .map((x) => x.score)
      .sort();
    expect(nps).toEqual([4, 8, 9]);
    // Numeric multi-select "1,2": one answer per choice number.
    expect(
      got
        .filter((x) => x.question.startsWith('Q5/'))
        .map((x) => x.question)
        .sort(),
    ).toEqual(['Q5/1', 'Q5/2', 'Q5/3']);
    // -99 is Qualtrics' "seen, not answered": no answer.
    expect(got.filter((x) => x.question === 'Q3_1')).toHaveLength(2);
    expect(got.find((x) => x.comment === 'Builds, builds, builds')?.construct).toBeNull();
    const current = await rows('pulse-2026-11');
    const adaNow = current.find((x) => x.comment === 'Reviews are fast; keep it up.')!.respondent;
    const adaThen = got.find((x) => x.comment === 'Great tooling')!.respondent;
    expect(adaThen).toBe(adaNow);
  });

  it('imports any CSV through surveys.csv; unmapped columns (names) are not stored', async () => {
    const r = await collect(['form-export.csv', '--format', 'csv', '--survey', 'tools-q4']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('not stored: Full name');
    const got = await rows('tools-q4');
    expect(
      got
        .filter((x) => x.construct === 'tool_satisfaction')
        .map((x) => x.score)
        .sort(),
    ).toEqual([2, 4, 5]);
    expect(got.filter((x) => x.construct === 'flow_days')).toHaveLength(3);
    expect(got.find((x) => x.comment)?.comment).toBe('More runners please');
    expect(JSON.stringify(got)).not.toContain('Lovelace');
  });

  describe('bad input: exit 2 naming what and where, nothing written', () => {
    const refused = async (args: string[], pattern: RegExp, extra: NodeJS.ProcessEnv = {}) => {
      const before = await count();
      const r = await collect(args, extra);
      expect(r.code, r.stdout).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(await count()).toBe(before);
      return r;
    };
    const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
    const current = () => readFileSync(join(dir, 'qualtrics-current-choice-text.csv'), 'utf8');

    it('a malformed file (cut short inside a quoted cell)', async () => {
      const text = current();
      write('broken.csv', text.slice(0, text.indexOf('"Jenkins is slow') + 20));
      const r = await refused(
        ['broken.csv', '--format', 'qualtrics'],
        /broken\.csv:\d+: not a well-formed CSV file/,
      );
      expect(r.stderr).toMatch(/Export it again, or fix the line/);
    });

    it('an unknown format, or none', async () => {
      await refused(
        ['form-export.csv', '--format', 'surveymonkey'],
        /--format "surveymonkey": use --format qualtrics or --format csv/,
      );
      await refused(['form-export.csv'], /--format is missing/);
    });

    it('a file that is not a Qualtrics export read as one', async () => {
      await refused(
        ['form-export.csv', '--format', 'qualtrics'],
        /not a Qualtrics export as Qualtrics writes it: its first row has no ResponseId/,
      );
    });

    it('a required column the mapping names and the file lacks', async () => {
      write('no-email.csv', readFileSync(join(dir, 'form-export.csv'), 'utf8').replace('Email,', 'Mail,'));
      await refused(
        ['no-email.csv', '--format', 'csv'],
        /no column "Email" \(surveys\.csv\.respondent, who answered\) in the header .*Set surveys\.csv\.respondent/,
      );
    });

    it('a score outside its construct’s scale, naming line, response and column', async () => {
      write('off-scale.csv', current().replace('"4 days"', '"7 days"').replace(',4 days,', ',7 days,'));
      await refused(
        ['off-scale.csv', '--format', 'qualtrics'],
        /line 4 \(response R_1a2B3c4D5e6F7g8\), column Q4 \("In a typical week.*7 is outside the flow_days scale \(0 to 5\)/,
      );
    });

    it('a choice label without a score', async () => {
      write('label.csv', current().replace(',Slightly taxing,', ',A bit taxing,'));
      await refused(
        ['label.csv', '--format', 'qualtrics'],
        /column Q7 .*"A bit taxing" is neither a number nor a known choice for cognitive_load: add its score to surveys\.questions\.How mentally taxing is it to get a change into production\?\.labels/,
      );
    });

    it('a construct or time zone that does not exist in the config', async () => {
      const bad = mkdtempSync(join(tmpdir(), 'pitwall-survey-bad-'));
      try {
        copyFileSync(join(dir, 'form-export.csv'), join(bad, 'form-export.csv'));
        writeFileSync(join(bad, 'pitwall.yaml'), 'surveys:\n  questions:\n    QID1: promoters\n');
        const before = await count();
        const r = await cli(['collect', 'survey', 'form-export.csv', '--format', 'csv'], { env, cwd: bad });
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(
          /config key "surveys\.questions\.QID1\.construct": expected a construct: one of nps, satisfaction, .*tool_satisfaction/,
        );
        writeFileSync(join(bad, 'pitwall.yaml'), 'surveys:\n  timezone: Mars/Olympus\n');
        const z = await cli(['collect', 'survey', 'form-export.csv', '--format', 'csv'], { env, cwd: bad });
        expect(z.stderr).toMatch(/config key "surveys\.timezone": expected an IANA time zone/);
        expect(await count()).toBe(before);
      } finally {
        rmSync(bad, { recursive: true, force: true });
      }
    });

    it('no pseudonymisation key; surveys.pseudonymise: false stores the identifier instead', async () => {
      await refused(
        ['form-export.csv', '--format', 'csv', '--survey', 'nokey'],
        /no key is set.*Set PITWALL_SURVEY_KEY.*surveys\.pseudonymise: false/,
        {
          PITWALL_SURVEY_KEY: '',
        },
      );
      const plain = mkdtempSync(join(tmpdir(), 'pitwall-survey-plain-'));
      try {
        copyFileSync(join(dir, 'form-export.csv'), join(plain, 'form-export.csv'));
        writeFileSync(
          join(plain, 'pitwall.yaml'),
          `${CONFIG.replace('surveys:\n', 'surveys:\n  pseudonymise: false\n')}`,
        );
        const r = await cli(
          ['collect', 'survey', 'form-export.csv', '--format', 'csv', '--survey', 'plain'],
          {
            env: storeEnv(t),
            cwd: plain,
          },
        );
        expect(r.code, r.stderr).toBe(0);
        expect((await rows('plain')).map((x) => x.respondent)).toContain('ada@example.com');
      } finally {
        rmSync(plain, { recursive: true, force: true });
      }
    });
  });
});
