import { createSocket } from 'node:dgram';
import StatsDClient from 'hot-shots';
import { pino } from 'pino';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitwallClient, type MetricInfo } from '../../src/client/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { startStatsdListener } from '../../src/listeners/statsd/listener.js';
import { writeListenerHealth } from '../../src/server/listeners.js';
import { startServer } from '../../src/server/server.js';
import { show } from '../../src/web/src/format.js';
import { launch, screenshot, settled } from './browser.js';
import { openTestStore } from '../helpers/stores.js';
import { testConfig } from '../helpers/collect-git.js';
import { startWebFixture, VIEW, type WebFixture } from './server.js';

const iso = (d: string) => `${d}T00:00:00.000Z`;
const WINDOW = { from: iso(VIEW.from), to: iso(VIEW.to) };

let fx: WebFixture;
let chrome: Awaited<ReturnType<typeof launch>>;
let browser: BrowserContext;
let registry: Map<string, MetricInfo>;

beforeAll(async () => {
  fx = await startWebFixture();
  chrome = await launch();
  browser = chrome.context;
  registry = new Map((await fx.client.registry()).metrics.map((m) => [m.name, m]));
}, 300_000);

afterAll(async () => {
  await chrome?.close();
  await fx?.close();
});

async function open(path: string): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${fx.url}${path}`);
  await settled(page);
  expect(errors).toEqual([]);
  expect(
    await page.locator('.error').count(),
    await page.locator('.error').allTextContents().then(String),
  ).toBe(0);
  return page;
}

/** Every registry value on the page, as shown (text) and as carried (data-value). */
async function shownValues(page: Page) {
  const els = await page.locator('[data-testid^="value-"][data-value]').all();
  const out: { metric: string; value: number | null; text: string }[] = [];
  for (const el of els) {
    const metric = (await el.getAttribute('data-testid'))!.slice('value-'.length);
    const raw = await el.getAttribute('data-value');
    out.push({
      metric,
      value: raw === '' || raw === null ? null : Number(raw),
      text: (await el.textContent())!.trim(),
    });
  }
  return out;
}

/** The API's value of a metric over the view, with the scope filters the metric allows. */
async function apiValue(
  metric: string,
  scope: { team?: string; repo?: string } = {},
): Promise<number | null> {
  const info = registry.get(metric)!;
  const q: Record<string, string> = { ...WINDOW };
  for (const [k, v] of Object.entries(scope)) if (v && info.groupBy.includes(k)) q[k] = v;
  return (await fx.client.metric(metric, q)).values[0]?.value ?? null;
}

/** Each registry number shown equals the API's, and reads as the API's value formatted. */
async function expectRegistryValuesMatch(page: Page, scope: { team?: string; repo?: string } = {}) {
  const shown = (await shownValues(page)).filter((s) => registry.has(s.metric));
  expect(shown.length).toBeGreaterThan(3);
  for (const s of shown) {
    const expected = await apiValue(s.metric, scope);
    if (expected === null) expect(s.value, s.metric).toBeNull();
    else expect(s.value, s.metric).toBeCloseTo(expected, 9);
    expect(s.text, s.metric).toBe(show(expected, registry.get(s.metric)!.unit).text);
  }
  return shown;
}

const dataValue = async (page: Page, testid: string) =>
  Number(await page.getByTestId(testid).first().getAttribute('data-value'));

describe('web dashboards on the demo organisation (real server, real store, Chromium)', () => {
  it('executive: DORA keys, DX scores, hours saved and DXI equal the API', async () => {
    const page = await open(`/executive?from=${VIEW.from}&to=${VIEW.to}`);
    const shown = await expectRegistryValuesMatch(page);
    expect(shown.map((s) => s.metric)).toEqual(
      expect.arrayContaining(['dora.deploys.days_per_week', 'dx.survey.nps']),
    );
    const headline = await fx.client.headline(WINDOW);
    expect(await dataValue(page, 'value-headline.hours_saved')).toBeCloseTo(headline.hoursSaved, 9);
    const dxi = await fx.client.dxi(WINDOW);
    expect(dxi.dxi).not.toBeNull();
    expect(await dataValue(page, 'value-dxi')).toBeCloseTo(dxi.dxi!, 9);
    const dora = await fx.client.dora(WINDOW);
    await expect(page.getByTestId('dora-overall').textContent()).resolves.toBe(
      dora.overall['']?.tier2023 ?? 'no data',
    );
    // Each panel says what it shows, why and what to do, and its target.
    const panel = page.getByTestId('tile-dx.survey.nps');
    const nps = registry.get('dx.survey.nps')!;
    await expect(panel.textContent()).resolves.toContain(nps.description);
    await expect(panel.locator('details').textContent()).resolves.toContain(nps.action);
    await expect(panel.locator('.target').textContent()).resolves.toContain(String(nps.thresholds!.green));
    const insights = await fx.client.insights(WINDOW);
    expect(await page.getByTestId('attention').locator('li:not(.muted)').count()).toBe(
      Math.min(6, insights.attention.length),
    );
    await screenshot(page, 'executive');
    await page.close();
  });

  it('platform: pipeline, flaky tests, queue heatmap and provisioning equal the API', async () => {
    const page = await open(`/platform?from=${VIEW.from}&to=${VIEW.to}`);
    const shown = await expectRegistryValuesMatch(page);
    expect(shown.map((s) => s.metric)).toEqual(
      expect.arrayContaining(['ci.runs.success_rate', 'testenv.provision.duration_p90_minutes']),
    );
    const heat = await fx.client.queueHeatmap(WINDOW);
    expect(await dataValue(page, 'heatmap-jobs')).toBe(heat.cells.reduce((s, c) => s + c.jobs, 0));
    expect(await dataValue(page, 'flaky-count')).toBe((await fx.client.flaky(WINDOW)).tests.length);
    const failures = await fx.client.testenvFailures(WINDOW);
    expect(await dataValue(page, 'testenv-failures-total')).toBe(
      failures.categories.reduce((s, c) => s + c.count, 0),
    );
    const stages = await fx.client.ciStages(WINDOW);
    if (stages.speedUpFirst)
      await expect(page.getByTestId('speed-up-first').textContent()).resolves.toContain(
        stages.speedUpFirst.stage,
      );
    await screenshot(page, 'platform');
    await page.close();
  });

  it('team: numbers are the team’s, rows behind a panel open with the API’s total, the team filter changes URL and numbers', async () => {
    const teams = (await fx.client.teams()).teams.map((t) => t.team);
    expect(teams.length).toBeGreaterThan(1);
    const [first, second] = teams as [string, string];
    const page = await open(`/team/${first}?from=${VIEW.from}&to=${VIEW.to}`);
    await expectRegistryValuesMatch(page, { team: first });
    await screenshot(page, 'team');

    const metric = 'github.prs.cycle_time_hours';
    await page.getByTestId(`explain-${metric}`).click();
    const drawer = page.getByTestId('explain-drawer');
    await drawer.waitFor();
    await settled(page);
    const explained = await fx.client.explain(metric, { ...WINDOW, by: 'team', group: first, limit: 200 });
    expect(explained.total).toBeGreaterThan(0);
    await expect(page.getByTestId('explain-total').textContent()).resolves.toBe(String(explained.total));
    expect(await drawer.locator('tbody tr').count()).toBe(Math.min(200, explained.total!));
    await screenshot(page, 'team-rows-behind');
    await page.getByTestId('explain-close').click();

    const before = await dataValue(page, `value-${metric}`);
    await page.getByTestId('filter-team').selectOption(second);
    await page.waitForURL(
      (u) => u.pathname === `/team/${second}` && u.searchParams.get('from') === VIEW.from,
    );
    await page.getByRole('heading', { name: `Team ${second}` }).waitFor();
    await settled(page);
    await expectRegistryValuesMatch(page, { team: second });
    const after = await dataValue(page, `value-${metric}`);
    expect(after).toBeCloseTo((await apiValue(metric, { team: second }))!, 9);
    expect(after).not.toBe(before);
    await screenshot(page, 'team-second');
    await page.close();
  });

  it('inner loop: the chokepoints, slowest categories and repositories and headline figures equal the API', async () => {
    const page = await open(`/inner-loop?from=${VIEW.from}&to=${VIEW.to}`);
    await expect(page.locator('nav a', { hasText: 'Inner loop' }).count()).resolves.toBe(1);
    const loop = await fx.client.innerLoop(WINDOW);
    expect(loop.chokepoints.length).toBeGreaterThan(3);
    const items = page.getByTestId('il-chokepoint');
    expect(await items.count()).toBe(Math.min(10, loop.chokepoints.length));
    for (const [i, c] of loop.chokepoints.entries()) {
      const li = items.nth(i);
      await expect(li.getAttribute('data-program')).resolves.toBe(c.program);
      await expect(li.getAttribute('data-repo')).resolves.toBe(c.repo ?? '');
      expect(Number(await li.getAttribute('data-hours-week'))).toBeCloseTo(c.hoursPerWeek, 9);
      await expect(li.locator('.il-text').textContent()).resolves.toBe(c.text);
      expect(c.text).toMatch(
        /^`[^`]+` in demo\/[a-z-]+: p50 [\d.]+ (s|min) x [\d.]+ runs a day = [\d.]+ (h|min) a day/,
      );
    }
    // The headline figures are the report's, which are the registry metrics' own.
    expect(await dataValue(page, 'il-p50')).toBeCloseTo(loop.summary.p50Seconds!, 9);
    expect(await dataValue(page, 'il-p50')).toBeCloseTo(
      (await apiValue('local.commands.duration_p50_seconds'))!,
      9,
    );
    expect(await dataValue(page, 'il-hours')).toBeCloseTo(
      (await apiValue('local.commands.hours_per_week'))!,
      9,
    );
    expect(await dataValue(page, 'il-success')).toBeCloseTo(
      (await apiValue('local.commands.test_build_success_rate'))!,
      9,
    );
    expect(await dataValue(page, 'il-network')).toBeCloseTo(
      (await apiValue('local.installs.network_share'))!,
      9,
    );
    const cats = page.getByTestId('il-category-row');
    expect(await cats.count()).toBe(loop.byCategory.length);
    for (const [i, r] of loop.byCategory.entries()) {
      await expect(cats.nth(i).getAttribute('data-key')).resolves.toBe(r.key);
      expect(Number(await cats.nth(i).getAttribute('data-p50'))).toBeCloseTo(r.p50Seconds!, 9);
    }
    expect(await page.getByTestId('il-repo-row').count()).toBe(loop.byRepo.length);
    // The demo sends no cache samples: the panel says so rather than showing zeros.
    expect(loop.caches).toEqual([]);
    await page.getByTestId('il-caches-empty').waitFor();
    // The route takes team and repo only; another filter is refused by name.
    await expect(fx.client.innerLoop({ ...WINDOW, service: 'x' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('"service"'),
    });
    await screenshot(page, 'inner-loop');
    await page.close();
  });

  it('test environments: every section renders with the demo’s provisioning, each number equal to the API', async () => {
    const page = await open(`/test-environments?from=${VIEW.from}&to=${VIEW.to}`);
    await expect(page.locator('nav a', { hasText: 'Test environments' }).count()).resolves.toBe(1);
    const shown = await expectRegistryValuesMatch(page);
    expect(shown.map((s) => s.metric)).toEqual(
      expect.arrayContaining([
        'testenv.provision.duration_p99_minutes',
        'testenv.provision.per_week',
        'testenv.reprovision.rate',
        'testenv.ci_delay.median_minutes',
        'testenv.provision.early_share',
        'testenv.parallel.median_minutes',
      ]),
    );
    for (const s of ['performance', 'phases', 'volume', 'optimisation', 'repos'])
      expect(await page.getByTestId(`testenv-section-${s}`).count(), s).toBe(1);
    const r = await fx.client.testenv(WINDOW);
    // The demo fills every section: provisions, failures, re-provisions, phases, repositories.
    expect(r.summary.provisions).toBeGreaterThan(50);
    expect(r.summary.reprovisions).toBeGreaterThan(0);
    expect(r.failures.length).toBeGreaterThan(1);
    expect(r.phases.length).toBeGreaterThan(2);
    expect(r.byRepo.length).toBeGreaterThan(1);
    const median = r.weekOverWeek.medianMinutes;
    if (median === null)
      expect(await page.getByTestId('testenv-current-median').getAttribute('data-value')).toBe('');
    else expect(await dataValue(page, 'testenv-current-median')).toBeCloseTo(median, 9);
    const ok = r.volume.day.reduce((s, d) => s + d.ok, 0);
    expect(await dataValue(page, 'testenv-distribution-total')).toBe(
      r.distribution.reduce((s, d) => s + d.count, 0),
    );
    expect(await dataValue(page, 'testenv-volume-total')).toBe(r.summary.provisions);
    await page.getByTestId('testenv-volume-week').click();
    await expect(page.getByTestId('testenv-volume-total').getAttribute('data-unit')).resolves.toBe('week');
    expect(await dataValue(page, 'testenv-volume-total')).toBe(r.summary.provisions);
    expect(ok).toBeGreaterThan(0);
    const failures = page.getByTestId('testenv-failure-row');
    expect(await failures.count()).toBe(r.failures.length);
    await expect(failures.first().getAttribute('data-key')).resolves.toBe(r.failures[0]!.category);
    expect(await dataValue(page, 'testenv-reprovisions-total')).toBe(r.summary.reprovisions);
    const slow = page.getByTestId('testenv-slow-row');
    expect(await slow.count()).toBe(Math.min(10, r.slowest.length));
    await expect(slow.first().getAttribute('data-key')).resolves.toBe(r.slowest[0]!.id);
    expect(await dataValue(page, 'testenv-early-count')).toBe(r.early.reduce((s, e) => s + e.early, 0));
    expect(await page.getByTestId('testenv-impact').count()).toBe(1);
    const repos = page.getByTestId('testenv-repo-row');
    expect(await repos.count()).toBe(r.byRepo.length);
    await expect(repos.first().getAttribute('data-key')).resolves.toBe(r.byRepo[0]!.repo);
    // The platform page links here, keeping the view's window.
    const platform = await open(`/platform?from=${VIEW.from}&to=${VIEW.to}`);
    await expect(platform.getByTestId('testenv-page-link').getAttribute('href')).resolves.toContain(
      `from=${VIEW.from}`,
    );
    await platform.close();
    // Filtered by one repository, the page's numbers become that repository's.
    const repo = r.byRepo[0]!.repo;
    const one = await open(
      `/test-environments?from=${VIEW.from}&to=${VIEW.to}&repo=${encodeURIComponent(repo)}`,
    );
    await expectRegistryValuesMatch(one, { repo });
    expect(await dataValue(one, 'testenv-volume-total')).toBe(r.byRepo[0]!.provisions);
    await screenshot(page, 'test-environments');
    await one.close();
    await page.close();
  });

  it('test environments: the impact panel shows the demo optimisation before and after, equal to the API', async () => {
    const page = await open(`/test-environments?from=${VIEW.from}&to=${VIEW.to}`);
    const metric = 'testenv.provision.duration_p50_minutes';
    const { annotations } = await fx.client.annotations({ category: 'testenv', to: WINDOW.to });
    const a = annotations[0]!;
    const c = (await fx.client.impact({ metric, annotation: a.id })).comparisons[0]!;
    const row = page.getByTestId('testenv-impact').getByTestId(`impact-row-${a.id}`);
    expect(await row.count()).toBe(1);
    const cell = async (id: string) => Number(await row.getByTestId(id).getAttribute('data-value'));
    expect(await cell('impact-before')).toBeCloseTo(c.before.median.value!, 9);
    expect(await cell('impact-after')).toBeCloseTo(c.after.median.value!, 9);
    expect(await cell('impact-change')).toBeCloseTo(c.change.median.percent.value!, 9);
    expect(await cell('impact-p')).toBeCloseTo(c.rankTest.pValue!, 12);
    expect(await cell('impact-hours')).toBeCloseTo(c.business!.hoursPerYear.value!, 9);
    await expect(row.getByTestId('impact-before').textContent()).resolves.toContain(
      show(c.before.median.value, 'minutes').text,
    );
    // The demo's optimisation is real: faster, and significant.
    expect(c.change.median.absolute.value!).toBeLessThan(0);
    expect(c.rankTest.pValue!).toBeLessThan(0.01);
    await page.close();
  });

  it('team: the test coverage panel shows the team’s line, branch and diff coverage, equal to the API', async () => {
    const team = (await fx.client.teams()).teams[0]!.team;
    const page = await open(`/team/${team}?from=${VIEW.from}&to=${VIEW.to}`);
    for (const metric of [
      'tests.coverage.line_rate',
      'tests.coverage.branch_rate',
      'tests.coverage.diff_line_rate',
    ]) {
      const expected = await apiValue(metric, { team });
      expect(expected, metric).not.toBeNull();
      expect(await dataValue(page, `value-${metric}`)).toBeCloseTo(expected!, 9);
    }
    // The whole organisation's rate differs from the team's: the panel is the team's.
    expect(await apiValue('tests.coverage.line_rate')).not.toBeCloseTo(
      (await apiValue('tests.coverage.line_rate', { team }))!,
      6,
    );
    await screenshot(page, 'team-coverage');
  });

  it('team: the inner-loop panel shows the team’s chokepoints, equal to the API with the team filter', async () => {
    const team = (await fx.client.teams()).teams[0]!.team;
    const page = await open(`/team/${team}?from=${VIEW.from}&to=${VIEW.to}`);
    const loop = await fx.client.innerLoop({ ...WINDOW, team });
    expect(loop.summary.withheld).toBeNull();
    expect(loop.chokepoints.length).toBeGreaterThan(0);
    expect(loop.chokepoints.every((c) => c.repo?.startsWith(`demo/${team}-`))).toBe(true);
    const items = page.getByTestId('il-chokepoint');
    expect(await items.count()).toBe(Math.min(5, loop.chokepoints.length));
    await expect(items.first().locator('.il-text').textContent()).resolves.toBe(loop.chokepoints[0]!.text);
    expect(await dataValue(page, 'il-p50')).toBeCloseTo(loop.summary.p50Seconds!, 9);
    expect(await dataValue(page, 'il-p50')).toBeCloseTo(
      (await apiValue('local.commands.duration_p50_seconds', { team }))!,
      9,
    );
    await page.close();
  });

  it('executive with a team filter: the URL carries it and the numbers become the team’s', async () => {
    const team = (await fx.client.teams()).teams[0]!.team;
    const page = await open(`/executive?from=${VIEW.from}&to=${VIEW.to}`);
    await page.getByTestId('filter-team').selectOption(team);
    await page.waitForURL((u) => u.searchParams.get('team') === team);
    await page
      .getByTestId('scope')
      .filter({ hasText: `team ${team}` })
      .waitFor();
    await settled(page);
    await expectRegistryValuesMatch(page, { team });
    await screenshot(page, 'executive-team');
    await page.close();
  });

  it('platform: the intake panel shows what a real StatsD listener persisted, equal to the API', async () => {
    // A second real server whose store a real listener wrote its health into (hot-shots, a
    // guard cap of 2, a dropped branch tag, one malformed line); the page's /listeners read
    // is sent to it, the rest of the page reads the demo.
    const t = await openTestStore('duckdb');
    const intake = await startServer({
      store: t.store,
      config: testConfig(),
      logger: pino({ level: 'silent' }),
      host: '127.0.0.1',
      port: 0,
      anonymousRead: true,
      webRoot: null,
      schedule: false,
    });
    const listener = await startStatsdListener({
      port: 0,
      flushIntervalSeconds: 3600,
      maxTagSetsPerMetric: 2,
      flush: (r) => ingest(t.store, r).then(() => undefined),
      onHealth: (h) => writeListenerHealth(t.store, h),
    });
    try {
      const c = new StatsDClient({ host: '127.0.0.1', port: listener.port, includeDatadogTelemetry: false });
      for (const repo of ['a', 'b', 'c', 'd', 'e'])
        c.increment('ci.jobs.started', 1, [`repo:${repo}`, 'branch:x']);
      await new Promise<void>((r) => c.close(() => r()));
      const raw = createSocket('udp4');
      await new Promise<void>((r) => raw.send('bad line|zz', listener.port, '127.0.0.1', () => r()));
      raw.close();
      for (let i = 0; i < 200 && listener.health().metrics + listener.health().malformed < 6; i++)
        await new Promise((r) => setTimeout(r, 10));
      await listener.flushNow();
      const api = (await new PitwallClient({ baseUrl: intake.url }).listeners()).listeners;
      expect(api).toHaveLength(1);
      expect(api[0]).toMatchObject({ folded: 3, dropped: 5, malformed: 1 });

      const page = await browser.newPage();
      await page.route('**/api/v1/listeners', async (route) =>
        route.fulfill({ response: await page.request.fetch(`${intake.url}/api/v1/listeners`) }),
      );
      await page.goto(`${fx.url}/platform?from=${VIEW.from}&to=${VIEW.to}`);
      await settled(page);
      const panel = page.getByTestId('intake');
      await expect(panel.getByTestId('intake-folded').textContent()).resolves.toBe(
        `${api[0]!.folded} folded`,
      );
      await expect(panel.getByTestId('intake-dropped').textContent()).resolves.toBe(
        `${api[0]!.dropped} tags dropped`,
      );
      await expect(panel.getByTestId('intake-malformed').textContent()).resolves.toBe(
        `${api[0]!.malformed} malformed`,
      );
      const row = panel.getByTestId('intake-guard').locator('tbody tr');
      expect(await row.count()).toBe(1);
      const g = api[0]!.guard[0]!;
      await expect(row.first().locator('td').allTextContents()).resolves.toEqual([
        g.metric,
        String(g.tag_sets),
        String(g.folded),
        `${g.dropped} (${g.dropped_keys.join(', ')})`,
        String(g.bucketed),
      ]);
      expect(g).toMatchObject({
        metric: 'ci.jobs.started',
        tag_sets: 2,
        folded: 3,
        dropped_keys: ['branch'],
      });
      await page.close();
    } finally {
      await listener.close();
      await intake.close();
      await t.cleanup();
    }
  });
});
