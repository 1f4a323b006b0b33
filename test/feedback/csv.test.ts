import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymise } from '../../src/domain/pseudonymise.js';
import { openStore } from '../../src/store/open.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

const KEY = 'csv-test-key-0123456789';
const EXPORT = `Submitted,Email,Squad,Area,Kind,Comment
2025-02-03T10:00:00Z,Ada@example.com,payments,ci,Complaint,"Jenkins is slow, again"
2025-02-04,,web,docs,kudos,Great docs
2025-02-05 09:30,bo@example.com,web,,idea,"Quotes ""inside"" survive"
`;
const MAP = ['--column', 'occurred_at=Submitted', '--column', 'author=Email', '--column', 'team=Squad'];
const CONFIG = `feedback:
  csv:
    columns: { category: Area, sentiment: Kind, text: Comment }
    sentiments: { Complaint: friction, Kudos: praise }
`;

describe.each(ENGINES)('pitwall collect feedback FILE on %s', (engine) => {
  let t: TestStore;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  const rows = async () => {
    const s = await openStore(t.config);
    try {
      return await s.query<{
        author: string | null;
        team: string;
        category: string | null;
        sentiment: string;
        text: string;
      }>('select author, team, category, sentiment, text from feedback order by occurred_at');
    } finally {
      await s.close();
    }
  };
  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    env = {
      ...(t.config.databaseUrl
        ? { DATABASE_URL: t.config.databaseUrl }
        : { PITWALL_DB: t.config.duckdbPath }),
      PITWALL_PSEUDONYM_KEY: KEY,
    };
    dir = mkdtempSync(join(tmpdir(), 'pitwall-feedback-'));
    writeFileSync(join(dir, 'pitwall.yaml'), CONFIG);
  });
  afterAll(async () => {
    await t?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a bad row fails naming the row and the fix, and nothing is written', async () => {
    writeFileSync(join(dir, 'bad.csv'), `${EXPORT}2025-02-30,x@example.com,web,ci,Complaint,Typo day\n`);
    const r = await cli(['collect', 'feedback', 'bad.csv', ...MAP], { env, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.csv: row 5: occurred_at "2025-02-30" is not an ISO-8601 date/);
    writeFileSync(join(dir, 'cat.csv'), `${EXPORT}2025-02-06,,web,weather,Complaint,Rain\n`);
    const c = await cli(['collect', 'feedback', 'cat.csv', ...MAP], { env, cwd: dir });
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/row 5: category "weather" is not in feedback.categories/);
    const m = await cli(['collect', 'feedback', 'cat.csv', '--column', 'text=Body'], { env, cwd: dir });
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/no column "Body" \(mapped to text/);
    const nokey = await cli(['collect', 'feedback', 'bad.csv', ...MAP], {
      env: { ...env, PITWALL_PSEUDONYM_KEY: '' },
      cwd: dir,
    });
    expect(nokey.code).toBe(2);
    expect((await rows()).length).toBe(0);
  });

  it('imports with the column mapping, pseudonymises authors, and re-importing is idempotent', async () => {
    writeFileSync(join(dir, 'export.csv'), EXPORT);
    const r = await cli(['collect', 'feedback', 'export.csv', ...MAP], { env, cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3 feedback entries written \(1 friction, 2 with a pseudonymised author\)/);
    const again = await cli(['collect', 'feedback', 'export.csv', ...MAP], { env, cwd: dir });
    expect(again.code).toBe(0);
    expect(await rows()).toEqual([
      {
        author: pseudonymise(KEY, 'ada@example.com'),
        team: 'payments',
        category: 'ci',
        sentiment: 'friction',
        text: 'Jenkins is slow, again',
      },
      { author: null, team: 'web', category: 'docs', sentiment: 'praise', text: 'Great docs' },
      {
        author: pseudonymise(KEY, 'bo@example.com'),
        team: 'web',
        category: null,
        sentiment: 'idea',
        text: 'Quotes "inside" survive',
      },
    ]);
  });
});
