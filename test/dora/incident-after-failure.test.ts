import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestStore } from '../helpers/stores.js';
import { at, commit, defaults, deployment, repo, valueOf, storeWith } from './history.js';

/**
 * Issue 8, case 5: an incident that follows a failed deployment counts against that deployment
 * (it is its evidence) and the failed deployment is restored when its incidents are resolved.
 *   d1 h1 ok; d2 h20 failed, incident i1 (no named cause) h20.5 → h23; d3 h40 ok;
 *   d4 h50 failed, incident i2 naming d4 h50.2 → h52, though d5 deployed at h51.
 */
describe.each(ENGINES)('incidents after a failed deployment on %s', (engine) => {
  let t: TestStore;
  const config = defaults();
  beforeAll(async () => {
    t = await storeWith(
      engine,
      [
        repo,
        ...[1, 2, 3, 4, 5, 6].map((n) => commit(n, n - 1)),
        deployment('d1', 1, 1),
        deployment('d2', 3, 20, { status: 'failure' }),
        deployment('d3', 4, 40),
        deployment('d4', 5, 50, { status: 'failure' }),
        deployment('d5', 6, 51),
        { kind: 'incident', id: 'i1', service: 'api', opened_at: at(20.5), resolved_at: at(23) },
        {
          kind: 'incident',
          id: 'i2',
          service: 'api',
          opened_at: at(50.2),
          resolved_at: at(52),
          caused_by_deployment: 'd4',
        },
      ],
      config,
    );
  });
  afterAll(async () => t?.cleanup());

  it('counts the incident against the failed deployment and restores it when the incident is resolved', async () => {
    const rows = await t.store.query(
      `select deployment_id, failed, reason, evidence, restored_at from deployment_outcomes order by 1`,
    );
    expect(rows).toEqual([
      { deployment_id: 'd1', failed: false, reason: null, evidence: null, restored_at: null },
      { deployment_id: 'd2', failed: true, reason: 'status', evidence: 'i1', restored_at: new Date(at(23)) },
      { deployment_id: 'd3', failed: false, reason: null, evidence: null, restored_at: null },
      { deployment_id: 'd4', failed: true, reason: 'status', evidence: 'i2', restored_at: new Date(at(52)) },
      { deployment_id: 'd5', failed: false, reason: null, evidence: null, restored_at: null },
    ]);
  });

  it('gives the failed deployments their recovery times: 3 h and 2 h', async () => {
    expect(await valueOf(t.store, config, 'dora.recovery.failed_deployment_hours')).toBeCloseTo(2.5, 9);
    expect(await valueOf(t.store, config, 'dora.change_failure.rate')).toBeCloseTo(2 / 5, 9);
  });
});
