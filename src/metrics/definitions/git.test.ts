import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectGit, testConfig } from '../../../test/helpers/collect-git.js';
import { buildFixture, type Fixture } from '../../../test/helpers/git-repo.js';
import { ENGINES, openTestStore, type TestStore } from '../../../test/helpers/stores.js';
import { ingest } from '../../ingest/ingest.js';
import { gitDefinitions } from './git.js';
import { registryFor } from './index.js';

/**
 * Values follow from the fixture's table (test/helpers/git-repo.ts): 7 non-merge commits and
 * one merge in the week of Mon 2024-03-04; ada is in team core, the repository in team shop,
 * so bob, carol and the bot fall back to shop.
 */
const WEEK = { from: new Date('2024-03-04T00:00:00Z'), to: new Date('2024-03-11T00:00:00Z') };
const expected: Record<string, number> = {
  'git.commits.count': 7,
  'git.lines.added': 3 + 7 + 5 + 1 + 1 + 0 + 1, // merges excluded: login.txt counts once
  'git.lines.deleted': 0 + 1 + 0 + 0 + 1 + 1 + 0,
  'git.files.changed': 2 + 2 + 1 + 1 + 1 + 1 + 1,
  'git.contributors.active': 3, // ada, bob, carol; dependabot[bot] excluded
  'git.prs.size_lines': 6.5, // median of #12 (squash, 8 lines) and #13 (merge, 5 lines)
  'git.commits.revert_rate': 1 / 7,
  'git.commits.hotfix_rate': 2 / 8, // "hotfix: null pointer" and the merge of hotfix/login
  'git.commits.weekly_velocity': 7,
};
const byTeam: Record<string, Record<string, number>> = {
  'git.commits.count': { core: 4, shop: 3 },
  'git.lines.added': { core: 3 + 7 + 1, shop: 5 + 1 + 1 },
  'git.contributors.active': { core: 1, shop: 2 },
  'git.prs.size_lines': { core: 8, shop: 5 },
  'git.commits.hotfix_rate': { core: 0, shop: 0.5 },
};

describe.each(ENGINES)('git metrics on %s', (engine) => {
  let t: TestStore;
  let f: Fixture;
  const registry = registryFor(testConfig());
  beforeAll(async () => {
    t = await openTestStore(engine);
    f = buildFixture();
    await ingest(t.store, [
      { kind: 'repo', repo: 'acme/shop', team: 'shop' },
      { kind: 'person', login: 'ada@example.com', name: 'Ada', team: 'core' },
    ]);
    await collectGit(t.store, f.repo.dir);
  });
  afterAll(async () => {
    await t?.cleanup();
    f?.repo.cleanup();
  });

  it('has a tested value for every git metric', () => {
    expect(gitDefinitions.map((d) => d.name).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s over the fixture week', async (name, value) => {
    const rows = await registry.compute(t.store, name, WEEK);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.value).toBeCloseTo(value, 9);
  });

  it.each(Object.entries(byTeam))('%s by team (author team, else repository team)', async (name, values) => {
    const rows = await registry.compute(t.store, name, { ...WEEK, by: 'team' });
    expect(Object.fromEntries(rows.map((r) => [r.group, r.value]))).toEqual(values);
  });

  it('groups by repository and buckets by day', async () => {
    const byRepo = await registry.compute(t.store, 'git.commits.count', { ...WEEK, by: 'repo' });
    expect(byRepo).toEqual([{ bucket: null, group: 'acme/shop', value: 7 }]);
    const daily = await registry.compute(t.store, 'git.commits.count', { ...WEEK, bucket: 'day' });
    expect(daily.map((r) => [r.bucket?.toISOString().slice(0, 10), r.value])).toEqual([
      ['2024-03-04', 2],
      ['2024-03-05', 2],
      ['2024-03-06', 1],
      ['2024-03-07', 1],
      ['2024-03-08', 1],
    ]);
  });

  it('scales weekly velocity by the window length', async () => {
    const twoWeeks = { from: WEEK.from, to: new Date('2024-03-18T00:00:00Z') };
    const rows = await registry.compute(t.store, 'git.commits.weekly_velocity', twoWeeks);
    expect(rows[0]!.value).toBeCloseTo(3.5, 9);
  });
});
