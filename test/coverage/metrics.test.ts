import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../../src/demo/generate.js';
import { resolveDemoOptions } from '../../src/demo/options.js';
import { buildOrg } from '../../src/demo/org.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { explainMetric } from '../../src/metrics/registry/registry.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

const config = testConfig();
const registry = registryFor(config);
const week = { from: new Date('2024-03-04T00:00:00Z'), to: new Date('2024-03-11T00:00:00Z') };

const report = (id: string, repo: string, at: string, lines: [number, number], branches: [number, number]) => ({
  kind: 'coverage_report',
  report_id: id,
  repo,
  sha: 'abc1234',
  format: 'cobertura',
  collected_at: at,
  files: 1,
  lines_covered: lines[0],
  lines_total: lines[1],
  branches_covered: branches[0],
  branches_total: branches[1],
});

/**
 * Known reports: acme/api twice in the week (50% on Monday, then 80%: the latest counts),
 * acme/web once with no branch data, and one report after the window.
 */
describe.each(ENGINES)('coverage rate metrics on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(t.store, [
      { kind: 'repo', repo: 'acme/api', team: 'payments' },
      { kind: 'repo', repo: 'acme/web', team: 'web' },
      report('api-mon', 'acme/api', '2024-03-04T10:00:00Z', [50, 100], [10, 20]),
      report('web-tue', 'acme/web', '2024-03-05T10:00:00Z', [30, 200], [0, 0]),
      report('api-wed', 'acme/api', '2024-03-06T10:00:00Z', [80, 100], [15, 20]),
      report('api-next', 'acme/api', '2024-03-11T10:00:00Z', [0, 100], [0, 20]),
    ]);
    await ensureFresh(t.store, config);
  });
  afterAll(() => t?.cleanup());

  const values = async (name: string, req: { bucket?: 'day'; by?: string } = {}) =>
    (await registry.compute(t.store, name, { ...week, ...req })).map((v) => [
      v.bucket ? v.bucket.toISOString().slice(0, 10) : null,
      v.group,
      v.value === null ? null : Math.round(v.value * 1e6) / 1e6,
    ]);

  it('line rate: each repository’s latest report in the bucket, summed over lines', async () => {
    expect(await values('tests.coverage.line_rate')).toEqual([[null, null, Math.round((110 / 300) * 1e6) / 1e6]]);
    expect(await values('tests.coverage.line_rate', { by: 'repo' })).toEqual([
      [null, 'acme/api', 0.8],
      [null, 'acme/web', 0.15],
    ]);
    expect(await values('tests.coverage.line_rate', { by: 'team' })).toEqual([
      [null, 'payments', 0.8],
      [null, 'web', 0.15],
    ]);
    expect(await values('tests.coverage.line_rate', { bucket: 'day' })).toEqual([
      ['2024-03-04', null, 0.5],
      ['2024-03-05', null, 0.15],
      ['2024-03-06', null, 0.8],
    ]);
  });

  it('branch rate: reports without branches do not count as 0', async () => {
    expect(await values('tests.coverage.branch_rate')).toEqual([[null, null, 0.75]]);
    expect(await values('tests.coverage.branch_rate', { by: 'repo' })).toEqual([[null, 'acme/api', 0.75]]);
  });

  it('explain lists the reports of the window', async () => {
    const ex = await explainMetric(t.store, registry, 'tests.coverage.line_rate', week);
    expect(ex.total).toBe(3);
    expect(ex.rows.map((r) => r.report_id)).toEqual(['api-mon', 'web-tue', 'api-wed']);
  });

  it('no report in the window: no value, not 0', async () => {
    const none = await registry.compute(t.store, 'tests.coverage.line_rate', {
      from: new Date('2023-01-01T00:00:00Z'),
      to: new Date('2023-02-01T00:00:00Z'),
    });
    expect(none.every((v) => v.value === null)).toBe(true);
    const diff = await registry.compute(t.store, 'tests.coverage.diff_line_rate', week);
    expect(diff.every((v) => v.value === null)).toBe(true);
  });
});

/** The demo organisation plants each repository's line coverage (src/demo/coverage.ts): the metrics recover it. */
describe.each(ENGINES)('coverage metrics recover the demo organisation’s planted rates on %s', (engine) => {
  let t: TestStore;
  const options = { developers: 16, days: 28, seed: 5, end: new Date('2025-03-01T00:00:00Z') };
  beforeAll(async () => {
    t = await openTestStore(engine);
    for (const batch of createDemo(options).batches(20_000)) await ingest(t.store, batch);
    await ensureFresh(t.store, config);
  });
  afterAll(() => t?.cleanup());

  it('each repository’s line rate is its planted rate (±1 point of report noise); diff coverage near it', async () => {
    const org = buildOrg(resolveDemoOptions(options));
    const planted = new Map(org.repos.map((r, index) => [r.repo, 0.55 + 0.05 * (index % 6)]));
    const lastWeek = { from: new Date('2025-02-22T00:00:00Z'), to: options.end };
    const byRepo = await registry.compute(t.store, 'tests.coverage.line_rate', { ...lastWeek, by: 'repo' });
    expect(byRepo.length).toBe(planted.size);
    for (const v of byRepo) expect(Math.abs(v.value! - planted.get(v.group!)!), v.group!).toBeLessThan(0.035);
    const diff = await registry.compute(t.store, 'tests.coverage.diff_line_rate', { from: new Date('2025-02-01T00:00:00Z'), to: options.end });
    expect(diff[0]!.value).toBeGreaterThan(0.55);
    expect(diff[0]!.value).toBeLessThan(0.8);
  });
});
