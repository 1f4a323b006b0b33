import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { loadConfig } from '../../src/config/load.js';
import { createDemo } from '../../src/demo/generate.js';
import type { DemoRecord } from '../../src/demo/context.js';
import { INNER_LOOP } from '../../src/demo/params.js';
import type { RealisedTruth } from '../../src/demo/summary.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { innerLoop, type InnerLoopReport } from '../../src/report/inner-loop.js';

/**
 * The inner-loop report and the local.* metrics recover what the demo organisation drew:
 * exactly where the generator's records fix the value (median per category, failures, network
 * time), within a stated tolerance of the true parameters (INNER_LOOP in src/demo/params.ts).
 */
const config = loadConfig({ cwd: '/nonexistent', env: {} });
const registry = registryFor(config);
const OPTIONS = { developers: 40, days: 84, seed: 11, end: new Date('2026-10-05T00:00:00Z') };
type Cat = keyof typeof INNER_LOOP.categories;

describe.each(ENGINES)('the inner loop recovers the demo organisation’s ground truth on %s', (engine) => {
  let t: TestStore;
  let real: RealisedTruth;
  let window: { from: Date; to: Date };
  let report: InnerLoopReport;
  /** Tallied from the generated records themselves, before they reach the store. */
  const tally = new Map<string, { n: number; failed: number; net: number; netDuration: number }>();
  const checks = { n: 0, ok: 0 };
  beforeAll(async () => {
    t = await openTestStore(engine);
    const demo = createDemo(OPTIONS);
    for (const batch of demo.batches(20_000)) {
      for (const r of batch as DemoRecord[]) {
        if (r.kind !== 'command') continue;
        const c = r as unknown as {
          category: string;
          exit_code: number;
          network_ms: number | null;
          duration_ms: number;
        };
        const s = tally.get(c.category) ?? { n: 0, failed: 0, net: 0, netDuration: 0 };
        s.n++;
        if (c.exit_code !== 0) s.failed++;
        if (c.network_ms !== null) {
          s.net += c.network_ms;
          s.netDuration += c.duration_ms;
        }
        tally.set(c.category, s);
        if (c.category === 'test' || c.category === 'build') {
          checks.n++;
          if (c.exit_code === 0) checks.ok++;
        }
      }
      await ingest(t.store, batch);
    }
    real = demo.realised();
    window = { from: new Date(demo.truth.window.from), to: new Date(demo.truth.window.to) };
    report = await innerLoop(t.store, window);
  }, 240_000);
  afterAll(async () => t?.cleanup());

  const byCategory = async (name: string) =>
    Object.fromEntries(
      (await registry.compute(t.store, name, { ...window, by: 'category' })).map((r) => [r.group, r.value]),
    );

  it('p50 per category: the report and the metric equal the realised median, within 6% of the true median', async () => {
    const metric = await byCategory('local.commands.duration_p50_seconds');
    const rows = Object.fromEntries(report.byCategory.map((r) => [r.key, r]));
    for (const [cat, spec] of Object.entries(INNER_LOOP.categories)) {
      const realised = real.commandDurationMs[cat]!.p50! / 1000;
      expect(rows[cat]!.p50Seconds, cat).toBeCloseTo(realised, 6);
      expect(metric[cat], cat).toBeCloseTo(realised, 6);
      expect(rows[cat]!.p90Seconds, cat).toBeCloseTo(real.commandDurationMs[cat]!.p90! / 1000, 6);
      // Lognormal, sigma 0.6, >= 2,000 runs per category: the sample median's standard error is
      // about 1.25 * 0.6 / sqrt(n) < 2%; 6% is three of them.
      expect(Math.abs(realised / (spec.medianMs / 1000) - 1), cat).toBeLessThan(0.06);
      expect(rows[cat]!.runs).toBe(real.commandDurationMs[cat]!.count);
    }
  });

  it('failure rate per category equals the records’ and is within 4 standard errors of the true rate', async () => {
    const metric = await byCategory('local.commands.failure_rate');
    const rows = Object.fromEntries(report.byCategory.map((r) => [r.key, r]));
    for (const [cat, spec] of Object.entries(INNER_LOOP.categories)) {
      const s = tally.get(cat)!;
      expect(rows[cat]!.failureRate, cat).toBeCloseTo(s.failed / s.n, 9);
      expect(metric[cat], cat).toBeCloseTo(s.failed / s.n, 9);
      const se = Math.sqrt((spec.failureRate * (1 - spec.failureRate)) / s.n);
      expect(Math.abs(s.failed / s.n - spec.failureRate), cat).toBeLessThan(4 * se);
    }
    const [success] = await registry.compute(t.store, 'local.commands.test_build_success_rate', window);
    expect(report.summary.testBuildSuccessRate).toBeCloseTo(checks.ok / checks.n, 9);
    expect(success!.value).toBeCloseTo(checks.ok / checks.n, 9);
  });

  it('network share of installs is the true share (0.6; network_ms is rounded to the millisecond)', async () => {
    const s = tally.get('install')!;
    const [metric] = await registry.compute(t.store, 'local.installs.network_share', window);
    expect(report.summary.installNetworkShare).toBeCloseTo(s.net / s.netDuration, 9);
    expect(metric!.value).toBeCloseTo(s.net / s.netDuration, 9);
    expect(Math.abs(report.summary.installNetworkShare! - INNER_LOOP.installNetworkShare)).toBeLessThan(1e-3);
    expect(report.summary.installsMeasured).toBe(s.n);
  });

  it('runs per day and hours per week equal the metrics; each chokepoint equals the metrics for its program and repo', async () => {
    const one = async (name: string, where?: Record<string, string>) =>
      (await registry.compute(t.store, name, { ...window, ...(where ? { where } : {}) }))[0]?.value ?? null;
    expect(report.summary.runsPerDay).toBeCloseTo((await one('local.commands.runs_per_day'))!, 9);
    expect(report.summary.hoursPerWeek).toBeCloseTo((await one('local.commands.hours_per_week'))!, 9);
    const runs = [...tally.values()].reduce((s, x) => s + x.n, 0);
    const days = (window.to.getTime() - window.from.getTime()) / 86_400_000;
    expect(report.summary.runsPerDay).toBeCloseTo(runs / days, 9);
    expect(report.chokepoints.length).toBe(10);
    for (let i = 1; i < report.chokepoints.length; i++)
      expect(report.chokepoints[i - 1]!.hoursPerWeek).toBeGreaterThanOrEqual(
        report.chokepoints[i]!.hoursPerWeek,
      );
    for (const c of report.chokepoints.slice(0, 3)) {
      const where = { program: c.program, repo: c.repo! };
      expect(c.hoursPerWeek).toBeCloseTo((await one('local.commands.hours_per_week', where))!, 9);
      expect(c.runsPerDay).toBeCloseTo((await one('local.commands.runs_per_day', where))!, 9);
      expect(c.p50Seconds).toBeCloseTo((await one('local.commands.duration_p50_seconds', where))!, 9);
      expect(c.text).toContain(`\`${c.program}\` in ${c.repo}: p50 `);
      expect(c.people).toBeGreaterThanOrEqual(5);
    }
    // The demo's commands normalise to program + subcommand (cargo build --release is cargo build).
    const programs = new Set(report.chokepoints.map((c) => c.program));
    for (const p of programs) expect(p).not.toMatch(/--|\.\.\.|\s\.$/);
    // True parameters: build (share 0.25 x 90 s) costs most per command kind, then test
    // (0.35 x 45 s): the top chokepoint is a build or a test, never a lint, install or git.
    expect(['build', 'test']).toContain(report.chokepoints[0]!.category as Cat);
    // Hours by category follow share x mean duration (lognormal mean = median x e^(sigma^2/2)).
    const expected = (cat: Cat) => {
      const c = INNER_LOOP.categories[cat];
      return c.share * c.medianMs * Math.exp(INNER_LOOP.sigma ** 2 / 2);
    };
    const hours: Record<string, number> = Object.fromEntries(
      report.byCategory.map((r) => [r.key, r.hoursPerWeek!]),
    );
    const total = Object.values(hours).reduce((s: number, h: number) => s + h, 0);
    const expTotal = (Object.keys(INNER_LOOP.categories) as Cat[]).reduce((s, c) => s + expected(c), 0);
    for (const cat of Object.keys(INNER_LOOP.categories) as Cat[])
      expect(Math.abs(hours[cat]! / total - expected(cat) / expTotal), cat).toBeLessThan(0.02);
  });

  it('a team filter gives the team’s numbers, equal to the metrics filtered by team', async () => {
    const team = report.summary.people
      ? (await t.store.query<{ team: string }>('select team from teams order by team limit 1'))[0]!.team
      : '';
    const mine = await innerLoop(t.store, { ...window, team });
    const [p50] = await registry.compute(t.store, 'local.commands.duration_p50_seconds', {
      ...window,
      where: { team },
    });
    expect(mine.summary.p50Seconds).toBeCloseTo(p50!.value!, 9);
    expect(mine.summary.people).toBe(8);
    expect(mine.byRepo.every((r) => r.key?.startsWith(`demo/${team}-`))).toBe(true);
  });
});
