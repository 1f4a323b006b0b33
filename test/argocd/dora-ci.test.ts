import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { doraValues, workspace } from '../incidents/helpers.js';
import { demoApps, startArgoServer, type ArgoServer } from './argocd-server.js';

const TOKEN = 'argocd-readonly-token-0123456789';
const WINDOW = ['--from', '2026-11-25', '--to', '2026-12-05'];

/** Argo CD's syncs are deployments like any other source's: they count in DORA. */
describe.each(ENGINES)('Argo CD syncs in DORA on %s', (engine) => {
  let t: TestStore;
  let argo: ArgoServer;
  let ws: ReturnType<typeof workspace>;
  const dora = () => doraValues(ws, WINDOW);

  beforeAll(async () => {
    t = await openTestStore(engine);
    await t.store.close();
    argo = await startArgoServer(demoApps(), TOKEN);
    // The demo's search app syncs to prod-eu: production for DORA once named so.
    ws = workspace(
      t,
      { dora: { production_environments: ['production', 'prod-eu'] } },
      { ARGOCD_TOKEN: TOKEN },
    );
  }, 60_000);
  afterAll(async () => {
    await argo?.stop();
    ws?.cleanup();
    await t?.cleanup();
  });

  it('four production syncs, one failed: three deployments, a change failure rate of 1 in 4', async () => {
    expect((await dora())['dora.deploys.count']).toBe(0);
    const r = await ws.run(['collect', 'argocd', '--option', `url=${argo.url}`]);
    expect(r.code, r.stderr).toBe(0);
    const after = await dora();
    // checkout on 11-30 and 12-01, search on 11-29 succeeded; search's sync of 12-02 failed.
    expect(after['dora.deploys.count']).toBe(3);
    expect(after['dora.change_failure.rate']).toBeCloseTo(0.25, 10);
    const ex = await ws.run(['dora', 'explain', ...WINDOW, '--metric', 'dora.change_failure.rate', '--json']);
    expect(ex.code, ex.stderr).toBe(0);
    const [e] = JSON.parse(ex.stdout) as { rows: Record<string, unknown>[] }[];
    expect(e!.rows.filter((x) => x.v === 1).map((x) => x.deployment ?? x.id)).toEqual([
      'argocd:search:op:2026-12-02T14:00:00Z',
    ]);
  });
});
