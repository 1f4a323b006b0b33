import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../../src/demo/generate.js';
import type { DemoTruth } from '../../src/demo/truth.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { roiReport, type RoiReport } from '../../src/report/roi.js';
import { calculate, type CalculatorInputs, type Input } from '../../src/report/roi/calculator.js';
import { calculatorLines } from '../../src/report/roi/format.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

/** The CI seed's section 5, as written there. */
const SEED_LINES = [
  {
    section: 'Current state costs',
    lines: [
      'Developer time lost = 250 developers × 2 hours/day × $150/hour = $75,000/day',
      'CI infrastructure = $50,000/month',
      'Total annual impact = ~$20M',
    ],
  },
  {
    section: 'Proposed investment',
    lines: [
      'CI engineering team = 4 FTEs × $300,000 = $1.2M/year',
      'Infrastructure upgrade = $30,000/month increase = $360,000/year',
      'Tooling & monitoring = $100,000/year',
      'Total investment = ~$1.7M/year',
    ],
  },
  {
    section: 'Expected return',
    lines: [
      'Time savings = 250 developers × 1.5 hours/day recovered = $56,250/day',
      'Productivity gain = 20% increase in deployment frequency',
      'Quality improvement = 30% reduction in production incidents',
      'Annual benefit = ~$15M (8.8x ROI)',
      'Break-even = 6 weeks',
    ],
  },
];
const SEED_FLAGS = [
  '--developers=250',
  '--hours-lost-per-day=2',
  '--developer-hour=150',
  '--ci-infra-per-month=50000',
  '--team-ftes=4',
  '--fte-cost=300000',
  '--infra-increase-per-month=30000',
  '--tooling-per-year=100000',
  '--hours-recovered-per-day=1.5',
  '--deploy-frequency-change=20',
  '--incident-change=-30',
];

const given = (value: number | null): Input => ({
  value,
  source: value === null ? 'missing' : 'flag',
  detail: '',
});
const seedInputs = (): CalculatorInputs => ({
  developers: given(250),
  hoursLostPerDeveloperDay: given(2),
  developerHour: given(150),
  ciInfraPerMonth: given(50_000),
  teamFtes: given(4),
  fteCost: given(300_000),
  infraIncreasePerMonth: given(30_000),
  toolingPerYear: given(100_000),
  investmentPerYear: given(null),
  hoursRecoveredPerDeveloperDay: given(1.5),
  incidentHoursPerYear: given(null),
  deployFrequencyChangePct: given(20),
  incidentChangePct: given(-30),
  workingDaysPerYear: given(260),
});

describe('the CI seed’s ROI calculator', () => {
  it('reproduces the seed’s worked example exactly from its inputs', () => {
    const c = calculate(seedInputs(), 'USD');
    expect(c.current).toEqual({ lostPerDay: 75_000, ciInfraPerYear: 600_000, totalPerYear: 20_100_000 });
    expect(c.investment).toMatchObject({ team: 1_200_000, infraUpgradePerYear: 360_000, tooling: 100_000 });
    expect(c.investment.total).toBe(1_660_000);
    expect(c.benefit.timeSavingsPerDay).toBe(56_250);
    expect(c.benefit.totalPerYear).toBe(14_625_000);
    expect(c.roiMultiple!.toFixed(1)).toBe('8.8');
    expect(Math.round(c.breakEvenWeeks!)).toBe(6);
    expect(c.roiPercent!).toBeCloseTo(((14_625_000 - 1_660_000) / 1_660_000) * 100, 9);
    expect(calculatorLines(seedInputs(), c)).toEqual(SEED_LINES);
  });

  it('without a developer hour, the same calculator speaks in hours and gives no ROI', () => {
    const i = { ...seedInputs(), developerHour: given(null) };
    const c = calculate(i, 'USD');
    expect(c.inHours).toBe(true);
    expect(c.benefit.hoursPerYear).toBe(250 * 1.5 * 260);
    expect(c.roiMultiple).toBeNull();
    expect(calculatorLines(i, c)[2]!.lines[0]).toBe(
      'Time savings = 250 developers × 1.5 hours/day recovered = 375 hours/day',
    );
  });
});

describe('pitwall roi', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pitwall-roi-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = () => ({ PITWALL_DB: join(dir, 'w.duckdb') });

  it('prints the seed’s calculator when given the seed’s inputs as flags (table, markdown, json)', async () => {
    const table = await cli(['roi', ...SEED_FLAGS], { cwd: dir, env: env() });
    expect(table.code, table.stderr).toBe(0);
    for (const s of SEED_LINES) for (const l of s.lines) expect(table.stdout).toContain(`  ${l}\n`);
    const md = await cli(['roi', ...SEED_FLAGS, '--format', 'markdown'], { cwd: dir, env: env() });
    expect(md.stdout).toContain('## Expected return\n\n```\nTime savings = 250 developers');
    const json = await cli(['roi', ...SEED_FLAGS, '--json'], { cwd: dir, env: env() });
    const r = JSON.parse(json.stdout) as RoiReport;
    expect(r.calculation.benefit.totalPerYear).toBe(14_625_000);
    expect(r.inputs.developers).toMatchObject({ value: 250, source: 'flag' });
    expect(r.sections).toEqual(SEED_LINES);
  });

  it('refuses a flag that is not a number, naming it (exit 2)', async () => {
    const r = await cli(['roi', '--developer-hour', 'lots'], { cwd: dir, env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--developer-hour "lots" is not a number/);
    const w = await cli(
      ['roi', '--baseline', '2024-02-01..2024-01-01', '--current', '2024-03-01..2024-04-01'],
      {
        cwd: dir,
        env: env(),
      },
    );
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/--baseline/);
  });
});

/** Kinds the ROI reads; the rest of the demo only slows the load. */
const KINDS = new Set([
  'team',
  'person',
  'repo',
  'pull_request',
  'pipeline_run',
  'span',
  'incident',
  'deployment',
  'annotation',
]);
const OPTIONS = { developers: 24, days: 84, seed: 11, end: new Date('2025-06-02T00:00:00Z') };
const config = testConfig({
  costs: { developer_hour: 100, currency: 'USD', platform_investment_per_year: 480_000 },
});
const registry = registryFor(config);

describe.each(ENGINES)('ROI recovers the demo’s planted CI cache saving on %s', (engine) => {
  let t: TestStore;
  let truth: DemoTruth;
  let r: RoiReport;
  beforeAll(async () => {
    t = await openTestStore(engine);
    const demo = createDemo(OPTIONS);
    for (const batch of demo.batches(20_000)) {
      const mine = batch.filter((x) => KINDS.has(x.kind));
      if (mine.length) await ingest(t.store, mine);
    }
    await ensureFresh(t.store, config);
    truth = demo.truth;
    r = await roiReport(t.store, registry, config.costs, {
      now: OPTIONS.end,
      annotation: truth.ci.cache.annotationId,
      days: 28,
    });
  });
  afterAll(async () => t?.cleanup());

  it('CI minutes saved per run are (1 − durationFactor) of the planted critical path’s execution time', () => {
    const ci = r.items.find((i) => i.id === 'ci_wait')!;
    const path = truth.ci.criticalPath.reduce(
      (s, name) => s + truth.ci.jobs.find((j) => j.name === name)!.medianSeconds,
      0,
    );
    const expected = ((1 - truth.ci.cache.durationFactor) * path) / 60;
    const saved = ci.hoursPerEvent! * 60;
    expect(saved, JSON.stringify({ saved, expected })).toBeGreaterThan(expected * 0.85);
    expect(saved).toBeLessThan(expected * 1.15);
    // The median run lost the same share of its execution time: current ≈ baseline − saved.
    expect(ci.baseline.median! - ci.current.median!).toBeCloseTo(saved, 9);
    expect(ci.hoursPerYear!).toBeCloseTo(ci.hoursPerEvent! * ci.eventsPerWeek * 52, 6);
    expect(ci.moneyPerYear!).toBeCloseTo(ci.hoursPerYear! * 100, 6);
  });

  it('the calculator takes the measured savings: benefit, investment from config, ROI and break-even', () => {
    const c = r.calculation;
    const hours = r.items.reduce((s, i) => s + (i.hoursPerYear ?? 0), 0);
    expect(c.benefit.hoursPerYear!).toBeCloseTo(hours, 6);
    expect(c.benefit.totalPerYear!).toBeCloseTo(hours * 100, 4);
    expect(c.investment).toMatchObject({ total: 480_000, from: 'total' });
    expect(r.inputs.developers.source).toBe('measured');
    expect(r.inputs.developers.value!).toBeGreaterThan(15);
    expect(r.inputs.developers.value!).toBeLessThanOrEqual(24);
    expect(c.roiMultiple!).toBeCloseTo(c.benefit.totalPerYear! / 480_000, 9);
    expect(c.breakEvenMonths!).toBeCloseTo(480_000 / (c.benefit.totalPerYear! / 12), 9);
    expect(r.summary).toMatchObject({ currency: 'USD', inHours: false, investmentPerYear: 480_000 });
  });

  it('without costs.developer_hour the report is in hours', async () => {
    const h = await roiReport(
      t.store,
      registry,
      { developer_hour: null, currency: 'USD', platform_investment_per_year: null },
      {
        now: OPTIONS.end,
        annotation: truth.ci.cache.annotationId,
        days: 28,
      },
    );
    expect(h.summary.inHours).toBe(true);
    expect(h.summary.valuePerYear).toBeNull();
    expect(h.summary.hoursPerYear!).toBeCloseTo(r.summary.hoursPerYear!, 6);
    expect(h.warnings).toContainEqual(expect.stringMatching(/developer hours, not money/));
  });
});
