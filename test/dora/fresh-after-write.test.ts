import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { TestRepo } from '../helpers/git-repo.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/**
 * Issue 8, case 1: a deployment recorded before its commits are collected must get its lead
 * time as soon as `collect git` returns, with no other write in between. The sha is recorded
 * short and without a repository, as a CD script would, so the collection must also resolve it.
 */
describe.each(ENGINES)('record deployment, then collect git, through the CLI on %s', (engine) => {
  let t: TestStore;
  let env: NodeJS.ProcessEnv;
  let repo: TestRepo;
  let head: string;
  const window = ['--from', '2024-03-01', '--to', '2024-03-15'];

  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close(); // the CLI opens the store itself, as a user's process would
    env = t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : { PITWALL_DB: t.config.duckdbPath };
    repo = new TestRepo();
    repo.git(['remote', 'add', 'origin', 'git@github.com:acme/api.git']);
    repo.write('a.txt', 'one\n').commit('first change', { at: '2024-03-04T08:00:00Z' });
    head = repo.write('b.txt', 'two\n').commit('second change', { at: '2024-03-04T09:00:00Z' });
  });
  afterAll(async () => {
    await t?.cleanup();
    repo?.cleanup();
  });

  const leadTime = async () => {
    const r = await cli(['report', ...window, '--metric', 'dora.lead_time.median_hours', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { lines: { value: number | null }[] }).lines[0]!.value;
  };

  it('has no lead time while the commits are unknown, and the right one when collect git returns', async () => {
    const rec = await cli(
      ['record', 'deployment', '--service', 'api', '--env', 'production', '--sha', head.slice(0, 12)].concat([
        '--at',
        '2024-03-04T12:00:00Z',
      ]),
      { env },
    );
    expect(rec.code, rec.stderr).toBe(0);
    expect(await leadTime()).toBeNull();

    const collected = await cli(['collect', 'git', '--repo', repo.dir], { env });
    expect(collected.code, collected.stderr).toBe(0);
    // Commits at 08:00 and 09:00, deployed at 12:00: 4 h and 3 h, median 3.5 h.
    expect(await leadTime()).toBeCloseTo(3.5, 9);
    const explained = await cli(
      ['dora', 'explain', '--metric', 'dora.lead_time.median_hours', ...window, '--json'],
      { env },
    );
    expect(explained.code, explained.stderr).toBe(0);
    const [e] = JSON.parse(explained.stdout) as { rows: { commit: string; repo: string }[] }[];
    expect(e!.rows.map((r) => [r.repo, r.commit])).toContainEqual(['acme/api', head]);
  });
});
