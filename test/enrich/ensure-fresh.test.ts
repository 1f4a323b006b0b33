import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/plugins.js';
import { ensureFresh, enrichSteps } from '../../src/enrich/index.js';
import { checkOrder, ensureFreshWith } from '../../src/enrich/fresh.js';
import type { EnrichStep } from '../../src/enrich/step.js';
import { ingest } from '../../src/ingest/ingest.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

const sha = (n: number) => n.toString(16).padStart(40, '0');
const commit = (n: number, parents: number[], at: string) => ({
  kind: 'commit' as const,
  repo: 'acme/api',
  sha: sha(n),
  author: 'ada@example.com',
  authored_at: at,
  committed_at: at,
  parents: parents.map(sha),
});
const deployment = (id: string, n: number, at: string, environment = 'production') => ({
  kind: 'deployment' as const,
  id,
  service: 'api',
  environment,
  repo: 'acme/api',
  sha: sha(n),
  started_at: at,
  finished_at: at,
});

/** What ensureFresh owes and runs, read from the store's own bookkeeping. */
describe.each(ENGINES)('ensureFresh on %s', (engine) => {
  let t: TestStore;
  const config = configSchema.parse({});
  beforeAll(async () => {
    t = await openTestStore(engine);
  });
  afterAll(async () => t?.cleanup());

  it('runs every step on a first call, then none while nothing changed', async () => {
    await ingest(t.store, [
      commit(1, [], '2024-03-01T00:00:00Z'),
      deployment('d1', 1, '2024-03-01T02:00:00Z'),
    ]);
    const first = await ensureFresh(t.store, config);
    expect(Object.keys(first)).toEqual(enrichSteps.map((s) => s.id));
    expect(await ensureFresh(t.store, config)).toEqual({});
  });

  it('a write owes exactly the steps that read what it touched, and their dependents', async () => {
    await ingest(t.store, [
      {
        kind: 'pipeline_run',
        repo: 'acme/api',
        run_id: '1',
        attempt: 1,
        workflow: 'CI',
        created_at: '2024-03-01T00:00:00Z',
        completed_at: '2024-03-01T00:10:00Z',
        conclusion: 'success',
      },
    ]);
    expect(Object.keys(await ensureFresh(t.store, config))).toEqual(['critical-paths']);
  });

  it('the debt survives the process: a write whose enrichment never ran is owed to the next call', async () => {
    // As if the writer was killed right after its transaction committed: no ensureFresh here.
    await ingest(t.store, [
      commit(2, [1], '2024-03-02T00:00:00Z'),
      deployment('d2', 2, '2024-03-02T03:00:00Z'),
    ]);
    const before = await t.store.query('select * from commit_deliveries where sha = $1', [sha(2)]);
    expect(before).toEqual([]);
    const ran = await ensureFresh(t.store, config);
    expect(ran).toHaveProperty('deployment-commits');
    expect(ran).toHaveProperty('commit-deliveries');
    const [row] = await t.store.query<{ lead_hours: number }>(
      'select lead_hours from commit_deliveries where sha = $1',
      [sha(2)],
    );
    expect(row!.lead_hours).toBeCloseTo(3, 9);
  });

  it('a config change re-derives without collecting again: production environments', async () => {
    await ingest(t.store, [
      commit(3, [2], '2024-03-03T00:00:00Z'),
      deployment('d3', 3, '2024-03-03T01:00:00Z', 'live'),
    ]);
    await ensureFresh(t.store, config);
    const live = async () =>
      (await t.store.query('select sha from commit_deliveries where deployment_id = $1', ['d3'])).length;
    expect(await live()).toBe(0);
    const withLive = configSchema.parse({ dora: { production_environments: ['production', 'LIVE'] } });
    const ran = await ensureFresh(t.store, withLive);
    expect(ran).toHaveProperty('production-deployments');
    expect(await live()).toBe(1);
    expect(await ensureFresh(t.store, withLive)).toEqual({});
  });

  it('concurrent calls share passes: each returns after a pass that began after it was called', async () => {
    let passes = 0;
    let running = 0;
    let overlapped = false;
    const probe: EnrichStep = {
      id: 'probe',
      description: 'counts its runs',
      reads: ['commits'],
      writes: ['probe_table'],
      config: () => passes, // a new fingerprint every pass: always owed
      async run() {
        running++;
        if (running > 1) overlapped = true;
        await new Promise((r) => setTimeout(r, 50));
        running--;
        return ++passes;
      },
    };
    await Promise.all(Array.from({ length: 10 }, () => ensureFreshWith(t.store, config, [probe])));
    expect(overlapped).toBe(false);
    // The first call's pass, and one more shared by the nine made while it ran.
    expect(passes).toBe(2);
  });

  it('a write landing while a step rewrites the table it reads stays owed, to that step and the next', async () => {
    // As deployment-shas writes `deployments` while ingest may write it too.
    let landed = false;
    const runs = { rewriter: 0, reader: 0 };
    const rewriter: EnrichStep = {
      id: 'rewriter',
      description: 'reads and writes deployments',
      reads: ['deployments'],
      writes: ['deployments'],
      async run() {
        runs.rewriter++;
        if (!landed) {
          landed = true;
          // Another writer's batch commits while this step runs.
          await ingest(t.store, [deployment('d-race', 3, '2024-03-04T00:00:00Z')]);
        }
        return 1;
      },
    };
    const reader: EnrichStep = {
      id: 'reader',
      description: 'reads deployments',
      reads: ['deployments'],
      writes: ['reader_table'],
      async run() {
        runs.reader++;
        return 1;
      },
    };
    await ensureFreshWith(t.store, config, [rewriter, reader]);
    expect(runs).toEqual({ rewriter: 1, reader: 1 });
    // The batch that landed mid-pass is owed: both steps run again, once.
    await ensureFreshWith(t.store, config, [rewriter, reader]);
    expect(runs).toEqual({ rewriter: 2, reader: 2 });
    expect(await ensureFreshWith(t.store, config, [rewriter, reader])).toEqual({});
  });
});

describe('the step registry', () => {
  it('is in dependency order, and a misordered list is refused naming both steps', () => {
    expect(() => checkOrder(enrichSteps)).not.toThrow();
    const [a, b] = [
      enrichSteps.find((s) => s.id === 'deployment-commits')!,
      enrichSteps.find((s) => s.id === 'commit-deliveries')!,
    ];
    expect(() => checkOrder([b, a])).toThrow(
      /commit-deliveries reads deployment_commits, which deployment-commits writes after it/,
    );
  });

  it('every derived table and column has exactly one writer', () => {
    const writers = new Map<string, string[]>();
    for (const s of enrichSteps) for (const w of s.writes) writers.set(w, [...(writers.get(w) ?? []), s.id]);
    const shared = [...writers].filter(([, ids]) => ids.length > 1);
    expect(shared).toEqual([]);
  });
});
