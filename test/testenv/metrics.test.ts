import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { explainMetric } from '../../src/metrics/registry/registry.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { API, WEB, WINDOW, records } from './fixture.js';

const config = testConfig();
const registry = registryFor(config);

describe.each(ENGINES)('test-environment metrics on %s (hand-built spans and CI jobs)', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(t.store, records);
  });
  afterAll(async () => t?.cleanup());

  const one = async (name: string, extra: { by?: string; where?: Record<string, string> } = {}) =>
    registry.compute(t.store, name, { ...WINDOW, ...extra });
  const value = async (name: string, where?: Record<string, string>) =>
    (await one(name, { where }))[0]?.value ?? null;
  const byGroup = async (name: string, by: string) =>
    Object.fromEntries((await one(name, { by })).map((r) => [r.group ?? '(none)', r.value]));

  it('lead time percentiles over the successful provisions (3, 6, 6, 8, 10, 12, 16 min)', async () => {
    expect(await value('testenv.provision.duration_p50_minutes')).toBeCloseTo(8, 9);
    // p90: position 0.9 × 6 = 5.4 -> 12 + 0.4 × 4
    expect(await value('testenv.provision.duration_p90_minutes')).toBeCloseTo(13.6, 9);
    expect(await byGroup('testenv.provision.duration_p50_minutes', 'repo')).toEqual({ [API]: 9, [WEB]: 6 });
  });

  it('phases: median checks 2, kubernetes 4, wait_ready 2 min', async () => {
    const p = await byGroup('testenv.phase.duration_p50_minutes', 'phase');
    expect(p['testenv.checks']).toBeCloseTo(2, 9);
    expect(p['testenv.kubernetes']).toBeCloseTo(4, 9);
    expect(p['testenv.wait_ready']).toBeCloseTo(2, 9);
    const p90 = await byGroup('testenv.phase.duration_p90_minutes', 'phase');
    // checks 1,1,1,1,2,2,5,10,30: position 7.2 -> 10 + 0.2 × 20
    expect(p90['testenv.checks']).toBeCloseTo(14, 9);
  });

  it('volume: 9 provisions, per day and per week, and split by whether CI had completed', async () => {
    expect(await value('testenv.provision.count')).toBe(9);
    expect(await value('testenv.provision.per_day')).toBeCloseTo(9, 9);
    expect(await value('testenv.provision.per_week')).toBeCloseTo(63, 9);
    expect(await byGroup('testenv.provision.count', 'ci_complete')).toEqual({
      true: 2,
      false: 2,
      '(none)': 5,
    });
    expect(await byGroup('testenv.provision.count', 'repo')).toEqual({ [API]: 6, [WEB]: 3 });
  });

  it('failure rate: 2 of 9, each category 1 of 9, by repository 0 of 6 and 2 of 3', async () => {
    expect(await value('testenv.provision.failure_rate')).toBeCloseTo(2 / 9, 9);
    expect(await value('testenv.provision.success_rate')).toBeCloseTo(7 / 9, 9);
    const cats = await byGroup('testenv.provision.failure_rate', 'failure');
    expect(Object.keys(cats).sort()).toEqual(['k8s_error', 'timeout_waiting_builds']);
    expect(cats.k8s_error).toBeCloseTo(1 / 9, 9);
    expect(cats.timeout_waiting_builds).toBeCloseTo(1 / 9, 9);
    const repos = await byGroup('testenv.provision.failure_rate', 'repo');
    expect(repos[API]).toBe(0);
    expect(repos[WEB]).toBeCloseTo(2 / 3, 9);
    // Filtered to one repository, each category is over that repository's provisions.
    const web = await one('testenv.provision.failure_rate', { by: 'failure', where: { repo: WEB } });
    expect(web.map((r) => [r.group, r.value])).toEqual([
      ['k8s_error', 1 / 3],
      ['timeout_waiting_builds', 1 / 3],
    ]);
  });

  it('re-provisions: P5 (exactly at the window) and P8; not the one past the window, after a close, in another repo, or after another provision', async () => {
    expect(await value('testenv.reprovision.count')).toBe(2);
    expect(await value('testenv.reprovision.rate')).toBeCloseTo(2 / 9, 9);
    const rows = await explainMetric(t.store, registry, 'testenv.reprovision.count', { ...WINDOW });
    const paired = rows.rows.filter((r) => Number(r.v) === 1).map((r) => String(r.ts));
    expect(paired).toHaveLength(2);
    expect(await byGroup('testenv.reprovision.rate', 'repo')).toEqual({ [API]: 2 / 6, [WEB]: 0 });
    // A shorter window drops P5 (120 min after its teardown) and keeps P8 (30 min).
    const short = registryFor(testConfig({ testenv: { ...config.testenv, reprovision_window_minutes: 60 } }));
    expect((await short.compute(t.store, 'testenv.reprovision.count', WINDOW))[0]?.value).toBe(1);
  });

  it('CI-to-provisioning delay: by sha, else branch, the latest successful image job before Kubernetes began (2, 4, 12, 233 min)', async () => {
    expect(await value('testenv.ci_delay.median_minutes')).toBeCloseTo(8, 9);
    // position 0.9 × 3 = 2.7 -> 12 + 0.7 × 221
    expect(await value('testenv.ci_delay.p90_minutes')).toBeCloseTo(166.7, 9);
    const ex = await explainMetric(t.store, registry, 'testenv.ci_delay.median_minutes', { ...WINDOW });
    const byProvision = Object.fromEntries(ex.rows.map((r) => [r.provision, [Number(r.v), r.ci_run]]));
    expect(byProvision).toEqual({ P1: [4, 'r1'], P2: [2, 'r2'], P5: [233, 'r7'], P7: [12, 'r6'] });
    // Provisions with no image job (P3, P6 in acme/web; P8, P9 without CI) are left out, counted.
    expect(ex.left_out?.total).toBe(4);
    expect(ex.left_out?.reasons).toEqual({ no_ci_job: 4 });
    expect((await byGroup('testenv.ci_delay.median_minutes', 'repo'))[API]).toBeCloseTo(8, 9);
  });

  it('early provisioning share: 2 of the 4 provisions that report ci_tests_complete', async () => {
    expect(await value('testenv.provision.early_share')).toBeCloseTo(0.5, 9);
    expect(await byGroup('testenv.provision.early_share', 'repo')).toEqual({ [API]: 0.5 });
  });

  it('parallel development time: tests end minus ready, 0 when the tests ended first (0, 0, 12, 18 -> median 6)', async () => {
    expect(await value('testenv.parallel.median_minutes')).toBeCloseTo(6, 9);
    const ex = await explainMetric(t.store, registry, 'testenv.parallel.median_minutes', { ...WINDOW });
    expect(Object.fromEntries(ex.rows.map((r) => [r.provision, Number(r.v)]))).toEqual({
      P1: 0,
      P2: 12,
      P5: 0,
      P7: 18,
    });
  });

  it('an image job pattern of the config changes which jobs count', async () => {
    // Only "docker" jobs: r2's docker-image (10:59) is the one image of feat-2 for P2 and P7.
    const docker = registryFor(testConfig({ testenv: { ...config.testenv, image_job_pattern: '^docker' } }));
    const ex = await explainMetric(t.store, docker, 'testenv.ci_delay.median_minutes', { ...WINDOW });
    expect(ex.rows.map((r) => [r.provision, Number(r.v)])).toEqual([
      ['P2', 2],
      ['P7', 483],
    ]);
  });
});
