import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { cli } from '../helpers/cli.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { openStore } from '../../src/store/open.js';
import {
  at,
  commit,
  defaults,
  deployment,
  explainOf,
  repo,
  sha,
  valueOf,
  withDora,
  storeWith,
} from './history.js';

/**
 * Issue 8, case 2: onboarding an existing repository. 200 commits over two years (one of them
 * reverting another, and a PR merged a year ago), then 5 daily deployments, each shipping one
 * commit made 2 h earlier. The first deployment ships the whole history; only the commit made
 * 2 h before it may count, so lead time is 2 h, not thousands of hours.
 */
const OLD = 200;
const oldHour = (k: number) => -730 * 24 + ((k - 1) * (725 * 24)) / (OLD - 1); // the last is 5 days before
function onboarding() {
  const history = Array.from({ length: OLD }, (_, i) =>
    commit(
      i + 1,
      oldHour(i + 1),
      i + 1 === 150 ? { reverts_sha: sha(100), subject: 'Revert "change 100"' } : {},
    ),
  );
  const daily = [0, 1, 2, 3, 4].flatMap((d) => [
    commit(OLD + 1 + d, d * 24 + 8),
    deployment(`d${d + 1}`, OLD + 1 + d, d * 24 + 10),
  ]);
  const pr = (number: number, created: number, merged: number, n: number) => ({
    kind: 'pull_request',
    repo: 'acme/api',
    number,
    author: 'ada',
    title: `PR ${number}`,
    state: 'merged',
    created_at: at(created),
    merged_at: at(merged),
    closed_at: at(merged),
    merge_sha: sha(n),
  });
  return [
    repo,
    ...history,
    ...daily,
    pr(1, oldHour(90), oldHour(100), 100),
    pr(2, 2 * 24 + 6, 2 * 24 + 8, OLD + 3),
  ];
}

describe.each(ENGINES)('a stream’s first deployment is a baseline on %s', (engine) => {
  let t: TestStore;
  const config = defaults();
  beforeAll(async () => {
    t = await storeWith(engine, onboarding(), config);
  });
  afterAll(async () => t?.cleanup());

  it('credits the first deployment only with the commits made shortly before it: lead time 2 h', async () => {
    expect(await valueOf(t.store, config, 'dora.lead_time.median_hours')).toBeCloseTo(2, 9);
    expect(await valueOf(t.store, config, 'dora.lead_time.p90_hours')).toBeCloseTo(2, 9);
    const e = await explainOf(t.store, config, 'dora.lead_time.median_hours');
    expect(e.total).toBe(5);
  });

  it('does not charge the first deployment with the history’s reverts, nor PRs merged long ago', async () => {
    expect(await valueOf(t.store, config, 'dora.change_failure.rate')).toBe(0);
    expect(await valueOf(t.store, config, 'dora.rework.rate')).toBe(0);
    // PR 2 merged 2 h before d3; PR 1 (merged a year ago) was shipped by the baseline.
    expect(await valueOf(t.store, config, 'flow.cycle.deploy_hours')).toBeCloseTo(2, 9);
  });

  it('lists the commits it left out, and why, in dora explain', async () => {
    const e = await explainOf(t.store, config, 'dora.lead_time.median_hours');
    expect(e.left_out?.total).toBe(OLD);
    expect(e.left_out?.reasons).toEqual({ baseline: OLD });
    expect(e.left_out?.rows.map((r) => r.commit)).toContain(sha(1));
    const deploy = await explainOf(t.store, config, 'flow.cycle.deploy_hours');
    expect(deploy.left_out?.reasons).toEqual({ baseline: 1 });
  });

  it('follows dora.first_deployment_credit_hours: 0 credits the first deployment with nothing', async () => {
    const devlake = withDora({ first_deployment_credit_hours: 0 });
    await ensureFresh(t.store, devlake);
    const e = await explainOf(t.store, devlake, 'dora.lead_time.median_hours');
    expect([e.total, e.left_out?.total]).toEqual([4, OLD + 1]);
    // Long enough to reach back to the first commit: the whole history counts again.
    const all = withDora({ first_deployment_credit_hours: 24 * 800 });
    await ensureFresh(t.store, all);
    expect((await explainOf(t.store, all, 'dora.lead_time.median_hours')).total).toBe(OLD + 5);
    await ensureFresh(t.store, config);
  });
});

describe('dora explain through the CLI shows the left-out commits', () => {
  let t: TestStore;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    t = await openTestStore('duckdb');
    await ingest(t.store, onboarding());
    await t.store.close();
    env = { PITWALL_DB: t.config.duckdbPath };
    // The first write through the CLI enriches; a second process then reads.
    const s = await openStore(t.config);
    await ensureFresh(s, defaults());
    await s.close();
  });
  afterAll(async () => t?.cleanup());

  it('prints how many commits were left out and the rule that left them out', async () => {
    const window = ['--from', '2024-03-01', '--to', '2024-03-15', '--metric', 'dora.lead_time.median_hours'];
    const text = await cli(['dora', 'explain', ...window], { env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/dora\.lead_time\.median_hours: 5 rows/);
    expect(text.stdout).toMatch(/left out: 200 rows? \(baseline: 200\)/);
    expect(text.stdout).toMatch(/baseline: .*first deployment.*dora\.first_deployment_credit_hours/);
    const json = await cli(['dora', 'explain', ...window, '--json'], { env });
    const [e] = JSON.parse(json.stdout) as { left_out: { total: number; rows: { reason: string }[] } }[];
    expect(e!.left_out.total).toBe(200);
    expect(new Set(e!.left_out.rows.map((r) => r.reason))).toEqual(new Set(['baseline']));
  });
});
