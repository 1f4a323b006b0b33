import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest.js';
import { openStore } from '../../src/store/open.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { RUNS_PER_PERSON, WINDOW, privacyRecords } from './fixture.js';

/**
 * The CLI's outputs of personal metrics, on both engines: `pitwall report` (table, markdown,
 * JSON) and `pitwall metrics explain` withhold the team of 4 and show the team of 5 at the
 * default k; k = 3 from pitwall.yaml shows both; k = 2 is refused at load, exit 2, naming the key.
 */
const METRIC = 'local.commands.runs_per_day';
const win = ['--from', WINDOW.from.slice(0, 10), '--to', WINDOW.to.slice(0, 10)];

describe.each(ENGINES)('privacy in the CLI on %s', (engine) => {
  let t: TestStore;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  const withK = (k: number) => {
    writeFileSync(join(dir, `k${k}.yaml`), `privacy:\n  min_group_size: ${k}\n`);
    return { ...env, PITWALL_CONFIG: join(dir, `k${k}.yaml`) };
  };
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(t.store, privacyRecords());
    await t.store.close(); // the CLI opens the store itself
    env = t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : { PITWALL_DB: t.config.duckdbPath };
    dir = mkdtempSync(join(tmpdir(), 'pitwall-privacy-cli-'));
  });
  afterAll(async () => {
    await t?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('report --by team: the team of 4 reads "withheld: fewer than 5 people", the team of 5 a number', async () => {
    const r = await cli(['report', ...win, '--by', 'team', '--metric', METRIC], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const line = (team: string) => r.stdout.split('\n').find((l) => l.includes(` ${team} `))!;
    expect(line('four')).toContain('withheld: fewer than 5 people');
    expect(line('five')).toMatch(/local\.commands\.runs_per_day\s+\S+\s+\d/);
    expect(line('five')).not.toContain('withheld');
    expect(r.stdout).toContain('privacy.min_group_size');
    const md = await cli(['report', ...win, '--by', 'team', '--metric', METRIC, '--format', 'markdown'], {
      env,
    });
    expect(md.stdout).toMatch(/\| four \| local\.commands\.runs_per_day \| withheld: fewer than 5 people \|/);
    const json = JSON.parse(
      (await cli(['report', ...win, '--by', 'team', '--metric', METRIC, '--json'], { env })).stdout,
    );
    const four = json.lines.find((l: { group: string }) => l.group === 'four');
    expect(four).toMatchObject({
      value: null,
      people: 4,
      withheld: expect.stringMatching(/fewer than 5 people/),
    });
  });

  it('k = 3 from pitwall.yaml shows the team of 4', async () => {
    const r = await cli(['report', ...win, '--by', 'team', '--metric', METRIC, '--json'], { env: withK(3) });
    expect(r.code).toBe(0);
    const four = JSON.parse(r.stdout).lines.find((l: { group: string }) => l.group === 'four');
    expect(four.withheld).toBeUndefined();
    expect(four.value).toBeGreaterThan(0);
  });

  it('k = 2 is refused at load: exit 2, naming privacy.min_group_size, nothing written', async () => {
    const r = await cli(['report', ...win], { env: withK(2) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/privacy\.min_group_size/);
    expect(r.stderr).toMatch(/at least 3/);
    const s = await openStore(t.config);
    try {
      const [c] = await s.query<{ n: number }>('select count(*) as n from commands');
      expect(Number(c!.n)).toBe(9 * RUNS_PER_PERSON);
    } finally {
      await s.close();
    }
  });

  it('metrics explain lists no one’s commands; below k not even the count', async () => {
    const five = await cli(['metrics', 'explain', METRIC, ...win, '--by', 'team', '--group', 'five'], {
      env,
    });
    expect(five.code).toBe(0);
    expect(five.stdout).toBe(
      `${METRIC}: ${5 * RUNS_PER_PERSON} rows from 5 people; rows not listed: each is one person's answer or behaviour (personal metric); only aggregates over enough people are shown\n`,
    );
    expect(five.stdout).not.toMatch(/five-\d/);
    const four = await cli(['metrics', 'explain', METRIC, ...win, '--by', 'team', '--group', 'four'], {
      env,
    });
    expect(four.stdout).toMatch(/^local\.commands\.runs_per_day: withheld: fewer than 5 people/);
    expect(four.stdout).not.toMatch(/\d+ rows/);
  });

  it('metrics list marks the personal metrics', async () => {
    const r = await cli(['metrics', 'list', '--json'], { env });
    const m = JSON.parse(r.stdout) as { name: string; personal: boolean }[];
    expect(m.find((x) => x.name === METRIC)?.personal).toBe(true);
    expect(m.find((x) => x.name === 'dora.deploys.count')?.personal).toBe(false);
  });
});
