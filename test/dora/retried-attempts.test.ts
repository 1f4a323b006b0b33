import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFresh } from '../../src/enrich/index.js';
import { ENGINES, type TestStore } from '../helpers/stores.js';
import { commit, defaults, deployment, explainOf, repo, valueOf, withDora, storeWith } from './history.js';

/**
 * Issue 8, case 6: a failed attempt followed by a successful deployment of the same sha to the
 * same service and environment within dora.retry_window_minutes (default 60) never reached
 * users: it is no change failure, and no deployment at all for the rate.
 *   d2 fails at h10, d3 ships the same sha to production 15 min later        → retried, left out
 *   d4 fails at h20, d5 ships the same sha 2 h later                          → a failure
 *   d6 fails at h30, d7 ships the same sha 12 min later, but to "prod"        → a failure
 */
describe.each(ENGINES)('failed attempts retried within the window on %s', (engine) => {
  let t: TestStore;
  const config = defaults();
  beforeAll(async () => {
    t = await storeWith(
      engine,
      [
        repo,
        ...[1, 2, 3, 4].map((n) => commit(n, n - 1)),
        deployment('d1', 1, 1),
        deployment('d2', 2, 10, { status: 'failure' }),
        deployment('d3', 2, 10.5, { startedH: 10.25 }),
        deployment('d4', 3, 20, { status: 'failure' }),
        deployment('d5', 3, 22.25, { startedH: 22 }),
        deployment('d6', 4, 30, { status: 'failure' }),
        deployment('d7', 4, 30.3, { startedH: 30.2, environment: 'prod' }),
      ],
      config,
    );
  });
  afterAll(async () => t?.cleanup());

  it('does not count an attempt retried within 60 minutes, and lists it in explain', async () => {
    expect(await valueOf(t.store, config, 'dora.change_failure.rate')).toBeCloseTo(2 / 6, 9);
    const e = await explainOf(t.store, config, 'dora.change_failure.rate');
    expect(e.left_out?.reasons).toEqual({ retried: 1 });
    expect(e.left_out?.rows).toEqual([expect.objectContaining({ deployment: 'd2', evidence: 'd3' })]);
    // No failure, so no recovery time either: only d4 (restored by d5) has one.
    expect(await valueOf(t.store, config, 'dora.recovery.failed_deployment_hours')).toBeCloseTo(2.25, 9);
  });

  it('follows dora.retry_window_minutes: 0 counts every failed attempt, 180 forgives d4 too', async () => {
    const every = withDora({ retry_window_minutes: 0 });
    await ensureFresh(t.store, every);
    expect(await valueOf(t.store, every, 'dora.change_failure.rate')).toBeCloseTo(3 / 7, 9);
    const lenient = withDora({ retry_window_minutes: 180 });
    await ensureFresh(t.store, lenient);
    expect(await valueOf(t.store, lenient, 'dora.change_failure.rate')).toBeCloseTo(1 / 5, 9);
    await ensureFresh(t.store, config);
  });
});
