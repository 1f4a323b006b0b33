import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { ENGINES, type TestStore } from '../helpers/stores.js';
import { at, commit, defaults, deployment, repo, sha, valueOf, storeWith } from './history.js';

const pr = (number: number, merged: number, n: number) => ({
  kind: 'pull_request',
  repo: 'acme/api',
  number,
  author: 'ada',
  title: `PR ${number}`,
  state: 'merged',
  created_at: at(merged - 1),
  merged_at: at(merged),
  closed_at: at(merged),
  merge_sha: sha(n),
});

/**
 * Issue 8, case 3: deployments recorded out of order (a backfill, newest first). PR 1's merge
 * commit first ships with the newest deployment, until the older deployment that really shipped
 * it arrives: its deploy phase must then point at that one.
 */
describe.each(ENGINES)('PR cycles after a backfill of older deployments on %s', (engine) => {
  let t: TestStore;
  const config = defaults();
  beforeAll(async () => {
    t = await storeWith(
      engine,
      [
        repo,
        ...[1, 2, 3, 4].map((n) => commit(n, n - 1)),
        pr(1, 1, 2),
        pr(2, 3, 4),
        deployment('d0', 1, 0.5),
        deployment('d-new', 4, 30),
      ],
      config,
    );
  });
  afterAll(async () => t?.cleanup());

  const cycles = () =>
    t.store.query<{ number: number; deployment_id: string; deploy_hours: number }>(
      `select number, deployment_id, deploy_hours from pr_cycles order by number`,
    );

  it('moves a PR to the older deployment that shipped it first when that deployment arrives later', async () => {
    expect((await cycles()).map((c) => c.deployment_id)).toEqual(['d-new', 'd-new']);
    await ingest(t.store, [deployment('d-old', 2, 10)]);
    await ensureFresh(t.store, config);
    const rows = await cycles();
    expect(rows.map((c) => [c.number, c.deployment_id])).toEqual([
      [1, 'd-old'],
      [2, 'd-new'],
    ]);
    // PR 1 merged at h1, shipped at h10; PR 2 merged at h3, shipped at h30.
    expect(rows[0]!.deploy_hours).toBeCloseTo(9, 9);
    expect(await valueOf(t.store, config, 'flow.cycle.deploy_hours')).toBeCloseTo((9 + 27) / 2, 9);
  });

  it('drops the deploy phase when the deployment that shipped the PR is removed from production', async () => {
    // production_environments no longer lists "production": no deployment is in production.
    const none = { ...config, dora: { ...config.dora, production_environments: ['live'] } };
    await ensureFresh(t.store, none);
    expect((await cycles()).map((c) => c.deployment_id)).toEqual([null, null]);
    await ensureFresh(t.store, config);
    expect((await cycles()).map((c) => c.deployment_id)).toEqual(['d-old', 'd-new']);
  });
});
