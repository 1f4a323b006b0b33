import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { impactAnalysis, impactMarkdown, type ImpactReport } from '../../src/report/impact/index.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import {
  ANNOTATION_ID,
  API,
  CHANGE_AT,
  DEPLOYMENT_ID,
  END,
  OTHER_ANNOTATION_ID,
  SEASONAL,
  TRUTH,
} from './fixture.js';
import { impactFixture } from './fixture.js';

const LEAD = 'testenv.provision.duration_p50_minutes';
const PHASE = 'testenv.phase.duration_p50_minutes';
const config = testConfig();
const registry = registryFor(config);
const costs = { developer_hour: 100, currency: 'USD' };
const contains = (e: { low: number | null; high: number | null }, x: number) =>
  e.low !== null && e.high !== null && e.low <= x && x <= e.high;
const byEngine: Record<string, ImpactReport> = {};

describe.each(ENGINES)('impact analysis on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
    await ingest(t.store, impactFixture());
    await ensureFresh(t.store, config);
  });
  afterAll(async () => t?.cleanup());

  const run = (metric: string, where: Record<string, string>, extra: Record<string, unknown> = {}) =>
    impactAnalysis(t.store, registry, costs, {
      metric,
      annotation: ANNOTATION_ID,
      where,
      now: END,
      ...extra,
    });

  it('recovers the planted 18 -> 7 minute effect inside its interval, p < 0.01, on every weekday', async () => {
    const r = await run(LEAD, { repo: API });
    byEngine[engine] = r;
    expect(r.windows.before).toEqual({ from: new Date('2025-03-03T00:00:00Z'), to: CHANGE_AT, days: 28 });
    expect(r.windows.after.days).toBe(28);
    expect(r.metric.kind).toBe('duration');
    const [c] = r.comparisons;
    expect(r.comparisons).toHaveLength(1);
    const truth = TRUTH.api.afterMedian - TRUTH.api.beforeMedian;
    expect(contains(c!.change.median.absolute, truth), JSON.stringify(c!.change.median)).toBe(true);
    expect(contains(c!.before.median, TRUTH.api.beforeMedian)).toBe(true);
    expect(contains(c!.after.median, TRUTH.api.afterMedian)).toBe(true);
    expect(c!.rankTest.pValue!).toBeLessThan(0.01);
    expect(c!.change.median.percent.value!).toBeLessThan(-50);
    expect(c!.weekdays.holdsOnEveryWeekday).toBe(true);
    expect(c!.weekdays.rows.every((d) => d.change! < -5)).toBe(true);
    expect(contains(c!.weekdays.adjusted, truth)).toBe(true);
    // p90 of a lognormal(median m, sigma 0.35) is m * e^(1.2816 * 0.35).
    const p90 = (m: number) => m * Math.exp(1.2816 * 0.35);
    expect(contains(c!.change.p90.absolute, p90(7) - p90(18))).toBe(true);
    expect(c!.warnings).toEqual([]);
  });

  it('each window median is the registry metric over that window (the same facts)', async () => {
    const r = byEngine[engine]!;
    for (const side of ['before', 'after'] as const) {
      const w = r.windows[side];
      const [v] = await registry.compute(t.store, LEAD, { from: w.from, to: w.to, where: { repo: API } });
      expect(r.comparisons[0]![side].median.value).toBeCloseTo(v!.value!, 9);
    }
  });

  it('business impact is (median before - after) x events per week of the after window, in hours and money', async () => {
    const c = byEngine[engine]!.comparisons[0]!;
    const b = c.business!;
    const saved = c.before.median.value! - c.after.median.value!;
    expect(b.savedPerEvent.value).toBeCloseTo(saved, 9);
    expect(b.eventsPerWeek).toBeCloseTo(c.after.n / 4, 9);
    expect(b.hoursPerWeek.value).toBeCloseTo((saved / 60) * b.eventsPerWeek, 9);
    expect(b.hoursPerYear.value).toBeCloseTo(b.hoursPerWeek.value! * 52, 9);
    expect(b.moneyPerYear!.value).toBeCloseTo(b.hoursPerYear.value! * 100, 6);
    expect(b.hoursPerYear.low!).toBeLessThan(b.hoursPerYear.value!);
    expect(b.hoursPerYear.high!).toBeGreaterThan(b.hoursPerYear.value!);
  });

  it('the failure rate change of the success-rate sibling, with a two-proportion test', async () => {
    const p = byEngine[engine]!.comparisons[0]!.proportion!;
    expect(p.metric).toBe('testenv.provision.success_rate');
    expect(p.label).toBe('failure rate');
    expect(p.before.events).toBe(28 * TRUTH.api.perDay);
    expect(Math.abs(p.before.rate! - TRUTH.api.failureBefore)).toBeLessThan(0.04);
    expect(Math.abs(p.after.rate! - TRUTH.api.failureAfter)).toBeLessThan(0.05);
    expect(p.test.pValue!).toBeLessThan(0.01);
  });

  it('a ratio metric is compared as a share: the failure rate before and after', async () => {
    const r = await run('testenv.provision.success_rate', { repo: API });
    expect(r.metric.kind).toBe('ratio');
    const c = r.comparisons[0]!;
    expect(c.business).toBeNull();
    expect(c.proportion!.before.count).toBe(Math.round(c.proportion!.before.rate! * c.before.n));
    expect(c.proportion!.test.pValue!).toBeLessThan(0.01);
    expect(c.change.mean.absolute.value!).toBeCloseTo(-c.proportion!.changePoints! / 100, 9);
  });

  it('finds nothing in the planted null: the Kubernetes phase, p > 0.05 and an interval holding 0', async () => {
    const r = await run(PHASE, { repo: API, phase: 'testenv.kubernetes' });
    const c = r.comparisons[0]!;
    expect(c.before.n).toBe(28 * TRUTH.api.perDay);
    expect(c.rankTest.pValue!).toBeGreaterThan(0.05);
    expect(c.rankTest.significant).toBe(false);
    expect(contains(c.change.median.absolute, 0)).toBe(true);
    expect(contains(c.before.median, TRUTH.kubernetesMedian)).toBe(true);
  });

  it('weekday seasonality: a naive drop that no weekday shows is flagged, the same-weekday change holds 0', async () => {
    const r = await run(LEAD, { repo: SEASONAL });
    const c = r.comparisons[0]!;
    // What a naive comparison says: a large, "significant" drop.
    expect(c.change.median.absolute.value!).toBeLessThan(-5);
    expect(c.rankTest.pValue!).toBeLessThan(0.01);
    // What the weekdays say: nothing changed.
    expect(contains(c.weekdays.adjusted, 0), JSON.stringify(c.weekdays.adjusted)).toBe(true);
    // No weekday moved by half the naive change, nor significantly.
    for (const d of c.weekdays.rows) {
      expect(Math.abs(d.change!)).toBeLessThan(Math.abs(c.change.median.absolute.value!) / 2);
      expect(d.pValue!).toBeGreaterThan(0.01);
    }
    expect(c.warnings.some((w) => /not seen within weekdays/.test(w))).toBe(true);
    expect(r.warnings.some((w) => /seasonality/.test(w))).toBe(true);
  });

  it('lists the other annotations and the deployments inside the windows as possible confounders', async () => {
    const r = byEngine[engine]!;
    expect(r.confounders.annotations.map((a) => [a.id, a.window])).toEqual([[OTHER_ANNOTATION_ID, 'before']]);
    expect(r.confounders.deployments.rows.map((d) => [d.id, d.window])).toEqual([[DEPLOYMENT_ID, 'after']]);
    expect(r.confounders.deployments.byService).toEqual([
      { service: 'api', environment: 'production', before: 0, after: 1 },
    ]);
    expect(r.warnings.some((w) => /1 annotation, 1 deployment\)/.test(w))).toBe(true);
    // Another repository's comparison does not list acme/api's deployment; the org-wide note stays.
    const other = await run(LEAD, { repo: SEASONAL });
    expect(other.confounders.deployments.total).toBe(0);
    expect(other.confounders.annotations.map((a) => a.id)).toEqual([OTHER_ANNOTATION_ID]);
  });

  it('--by repo gives one comparison per repository, each the one its filter gives', async () => {
    const r = await impactAnalysis(t.store, registry, costs, {
      metric: LEAD,
      annotation: ANNOTATION_ID,
      by: 'repo',
      now: END,
    });
    expect(r.comparisons.map((c) => c.group)).toEqual([API, SEASONAL]);
    const api = r.comparisons[0]!;
    const alone = byEngine[engine]!.comparisons[0]!;
    expect(api.before.n).toBe(alone.before.n);
    expect(api.before.median.value).toBe(alone.before.median.value);
    expect(api.change.median.absolute.value).toBe(alone.change.median.absolute.value);
    expect(api.rankTest.pValue).toBe(alone.rankTest.pValue);
  });

  it('warns below the minimum sample', async () => {
    const r = await run(LEAD, { repo: API }, { minSample: 400 });
    expect(r.comparisons[0]!.warnings.filter((w) => /minimum sample of 400/.test(w))).toHaveLength(2);
  });

  it('the executive summary writes the JSON numbers', () => {
    const r = byEngine[engine]!;
    const c = r.comparisons[0]!;
    const b = c.business!;
    const md = impactMarkdown(r);
    for (const heading of [
      '### The Problem',
      '### The Solution',
      '### Results',
      '### Significance',
      '### Caveats',
    ])
      expect(md).toContain(heading);
    expect(md).toContain('Provision as soon as images are built');
    const pct = Math.round(Math.abs(c.change.median.percent.value!));
    expect(md).toContain(
      `**${pct}% faster** (${c.before.median.value!.toFixed(1)} minutes → ${c.after.median.value!.toFixed(1)} minutes median)`,
    );
    expect(md).toContain(
      `**${Math.round(b.hoursPerYear.value!).toLocaleString('en-US')} developer hours saved annually**`,
    );
    expect(md).toContain(
      `**$${Math.round(b.moneyPerYear!.value!).toLocaleString('en-US')} in productivity gains**`,
    );
    expect(md).toContain(
      `**${Math.round(Math.abs(c.change.p90.percent.value!))}% improvement in P90** (${c.before.p90.value!.toFixed(1)} minutes → ${c.after.p90.value!.toFixed(1)} minutes)`,
    );
    expect(md).toContain(`Kubernetes node pool upgraded`);
    // Every number in the results section is one the JSON holds (rounded as written).
    const results = md.split('### Results')[1]!.split('### Significance')[0]!;
    const written = [...results.matchAll(/-?\$?[\d,]+(\.\d+)?/g)].map((m) =>
      Number(m[0].replace(/[$,]/g, '')),
    );
    const json = [
      pct,
      c.before.median.value!,
      c.after.median.value!,
      b.hoursPerYear.value!,
      b.hoursPerYear.low!,
      b.hoursPerYear.high!,
      b.savedPerEvent.value!,
      b.eventsPerWeek,
      b.hoursPerWeek.value!,
      b.moneyPerYear!.value!,
      b.moneyPerYear!.low!,
      b.moneyPerYear!.high!,
      100,
      Math.round(Math.abs(c.change.p90.percent.value!)),
      c.before.p90.value!,
      c.after.p90.value!,
      90,
    ];
    for (const n of written)
      expect(
        json.some((j) => Math.abs(j - n) <= (Number.isInteger(n) ? 0.5 : 0.05)),
        `${n} in the summary`,
      ).toBe(true);
  });

  it('is deterministic for a seed and changes with it', async () => {
    const a = await run(LEAD, { repo: API });
    expect(a.comparisons[0]!.change.median).toEqual(byEngine[engine]!.comparisons[0]!.change.median);
    const b = await run(LEAD, { repo: API }, { seed: 2 });
    expect(b.comparisons[0]!.change.median.absolute.value).toBe(
      a.comparisons[0]!.change.median.absolute.value,
    );
    expect(b.comparisons[0]!.change.median.absolute.low).not.toBe(
      a.comparisons[0]!.change.median.absolute.low,
    );
  });

  it('refuses bad input naming the fix: unknown metric (closest names), unknown annotation, overlapping or empty windows', async () => {
    const fail = (req: Partial<Parameters<typeof impactAnalysis>[3]>) =>
      impactAnalysis(t.store, registry, costs, { metric: LEAD, now: END, ...req });
    await expect(
      fail({ metric: 'testenv.provision.duration_p5_minutes', annotation: ANNOTATION_ID }),
    ).rejects.toThrow(/unknown metric .*did you mean testenv\.provision\.duration_p50_minutes/);
    await expect(fail({ metric: 'testenv.provision.count', annotation: ANNOTATION_ID })).rejects.toThrow(
      /counts events/,
    );
    await expect(fail({ annotation: 'nope' })).rejects.toThrow(
      /no annotation with id "nope".*annotate --list/,
    );
    await expect(fail({})).rejects.toThrow(/--annotation ID .* --before START\.\.END/);
    const w = (a: string, b: string) => ({ from: new Date(a), to: new Date(b), days: 0 });
    await expect(
      fail({ before: w('2025-03-03', '2025-03-20'), after: w('2025-03-10', '2025-04-01') }),
    ).rejects.toThrow(/overlap/);
    await expect(
      fail({ before: w('2025-04-01', '2025-04-10'), after: w('2025-03-01', '2025-03-10') }),
    ).rejects.toThrow(/must come first/);
    await expect(
      fail({ before: w('2024-01-01', '2024-02-01'), after: w('2025-03-10', '2025-04-01') }),
    ).rejects.toThrow(/no events of testenv.provision.duration_p50_minutes in the before window/);
    await expect(fail({ annotation: ANNOTATION_ID, by: 'branch' })).rejects.toThrow(
      /cannot be grouped by "branch"; allowed: repo, team/,
    );
    for (const e of await Promise.allSettled([fail({ annotation: 'nope' })]))
      expect(e.status === 'rejected' && (e.reason as { code: string }).code).toBe('invalid_argument');
  });
});

describe('the engines agree', () => {
  it('gives the same comparison on DuckDB and PostgreSQL', () => {
    const [a, b] = ENGINES.map((e) => byEngine[e]!);
    const round = (x: unknown) =>
      JSON.parse(JSON.stringify(x), (_k, v: unknown) =>
        typeof v === 'number' ? Number(v.toPrecision(10)) : v,
      ) as unknown;
    expect(round(b!.comparisons)).toEqual(round(a!.comparisons));
  });
});
