import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestStore } from '../helpers/stores.js';
import { at, defaults, explainOf, repo, valueOf, storeWith } from './history.js';

/**
 * A merged PR with its reviews. The review dates go both on the PR (what sources used to send)
 * and in review records (what first review and first approval are derived from).
 */
function pr(number: number, p: { ready?: number; review: number; approval: number; merged: number }) {
  return [
    {
      kind: 'pull_request',
      repo: 'acme/api',
      number,
      author: 'ada',
      title: `PR ${number}`,
      state: 'merged',
      created_at: at(0),
      ready_at: p.ready === undefined ? null : at(p.ready),
      first_commit_at: at(0),
      first_review_at: at(p.review),
      first_approval_at: at(p.approval),
      merged_at: at(p.merged),
      closed_at: at(p.merged),
    },
    {
      kind: 'review',
      repo: 'acme/api',
      pr_number: number,
      review_id: `${number}-c`,
      reviewer: 'bob',
      state: 'commented',
      submitted_at: at(p.review),
    },
    {
      kind: 'review',
      repo: 'acme/api',
      pr_number: number,
      review_id: `${number}-a`,
      reviewer: 'bob',
      state: 'approved',
      submitted_at: at(p.approval),
    },
  ];
}

/**
 * Issue 8, case 4: a phase whose end comes before its start (a review of a draft, before the PR
 * was marked ready; an approval after an admin merge) is left out of the medians, never clamped,
 * and explain counts it.
 *   PR 1  ready h0, review h2, approval h3, merged h5   pickup 2, merge 2
 *   PR 2  ready h5, review h4, approval h6, merged h7   pickup -1 (reviewed as a draft), merge 1
 *   PR 3  ready h0, review h1, merged h2, approval h3   pickup 1, merge -1 (admin merge)
 *   PR 4  ready h0, review h4, approval h6, merged h11  pickup 4, merge 5
 */
describe.each(ENGINES)('negative phase durations on %s', (engine) => {
  let t: TestStore;
  const config = defaults();
  beforeAll(async () => {
    t = await storeWith(
      engine,
      [
        repo,
        { kind: 'person', login: 'ada', team: 'core' },
        { kind: 'person', login: 'bob', team: 'core' },
        ...pr(1, { review: 2, approval: 3, merged: 5 }),
        ...pr(2, { ready: 5, review: 4, approval: 6, merged: 7 }),
        ...pr(3, { review: 1, approval: 3, merged: 2 }),
        ...pr(4, { review: 4, approval: 6, merged: 11 }),
      ],
      config,
    );
  });
  afterAll(async () => t?.cleanup());

  it('leaves a review before ready out of time to first review and pickup, and counts it', async () => {
    for (const name of ['github.prs.time_to_first_review_hours', 'flow.cycle.pickup_hours']) {
      expect(await valueOf(t.store, config, name), name).toBeCloseTo(2, 9); // of 2, 1, 4
      const e = await explainOf(t.store, config, name);
      expect([e.total, e.left_out?.total, e.left_out?.reasons], name).toEqual([3, 1, { negative: 1 }]);
      expect(e.left_out?.rows[0]).toMatchObject({ number: 2, v: -1 });
    }
  });

  it('leaves an approval after an admin merge out of merge time, and counts it', async () => {
    expect(await valueOf(t.store, config, 'flow.cycle.merge_hours')).toBeCloseTo(2, 9); // of 2, 1, 5
    const e = await explainOf(t.store, config, 'flow.cycle.merge_hours');
    expect([e.total, e.left_out?.reasons]).toEqual([3, { negative: 1 }]);
    expect(e.left_out?.rows[0]).toMatchObject({ number: 3, v: -1 });
  });
});
