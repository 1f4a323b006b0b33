import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, screenshot } from './browser.js';
import { startWebFixture, VIEW, type WebFixture } from './server.js';

/** The SPACE deep dive (/space) and the executive SPACE panel in a real Chromium, on the demo. */
const iso = (d: string) => `${d}T00:00:00.000Z`;
const QUERY = `from=${VIEW.from}&to=${VIEW.to}`;

let fx: WebFixture;
let chrome: Awaited<ReturnType<typeof launch>>;
let browser: BrowserContext;

beforeAll(async () => {
  fx = await startWebFixture();
  chrome = await launch();
  browser = chrome.context;
}, 300_000);

afterAll(async () => {
  await chrome?.close();
  await fx?.close();
});

/**
 * Opens a page and waits for the SPACE read to have answered (`ready`: the element that carries
 * data-loaded), not for every panel of the page: the executive page's other reads are not ours.
 */
async function open(path: string, ready: string): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${fx.url}${path}`);
  await page.waitForSelector(`${ready}[data-loaded="1"]`, { timeout: 120_000 });
  await page.waitForTimeout(300);
  expect(errors).toEqual([]);
  expect(await page.locator(`[data-testid^="space"] .error`).allTextContents()).toEqual([]);
  return page;
}
const DEEP_DIVE = '[data-testid="space-page-overall"]';
const PANEL = '[data-testid="space-score"] ul';

describe('SPACE in the browser', () => {
  it('the deep dive shows the five dimensions with the API’s scores, measures and adoption', async () => {
    const api = await fx.client.space({ from: iso(VIEW.from), to: iso(VIEW.to) });
    const page = await open(`/space?${QUERY}`, DEEP_DIVE);
    for (const d of api.dimensions) {
      await expect
        .poll(() => page.getByTestId(`space-dim-score-${d.dimension}`).textContent())
        .toBe(`${d.score === null ? '—' : d.score.toFixed(1)}/5`);
    }
    const review = api.dimensions.flatMap((d) => d.measures).find((m) => m.id === 'time_to_first_review')!;
    expect(review.value).not.toBeNull();
    expect(
      Number(await page.getByTestId('space-measure-time_to_first_review').getAttribute('data-value')),
    ).toBe(review.value);
    const ai = api.dimensions
      .find((d) => d.dimension === 'activity')!
      .adoption!.find((a) => a.id === 'ai_assistant')!;
    const row = page.getByTestId('space-adoption-ai_assistant');
    expect(Number(await row.getAttribute('data-value'))).toBe(ai.share);
    expect(await row.textContent()).toContain(`${ai.users}/${ai.developers}`);
    // The feedback report's drivers for the same window are on the page, as the API gives them.
    expect(api.satisfaction.drivers).not.toBeNull();
    expect(api.satisfaction.drivers!.dissatisfaction.length).toBeGreaterThan(0);
    const drivers = page.getByTestId('space-drivers');
    for (const d of api.satisfaction.drivers!.dissatisfaction)
      expect(await drivers.textContent()).toContain(d.summary);
    // The NPS breakdown is there, and the nav links to this page.
    expect(await page.getByTestId('space-nps-breakdown').locator('li').count()).toBe(3);
    expect(await page.locator('nav a', { hasText: 'SPACE' }).getAttribute('href')).toContain('/space?');
    await screenshot(page, 'space');
    await page.close();
  });

  it('a value over fewer than k people shows as withheld with the reason, never as a number', async () => {
    // A Sunday: the fixture's teams have 8 developers, but only a few of them review at weekends.
    const SUNDAY = { from: '2025-02-23', to: '2025-02-24' };
    const teams = (await fx.client.teams()).teams.map((t) => t.team);
    const found: { team: string; id: string; withheld: string }[] = [];
    for (const team of teams) {
      const r = await fx.client.space({ from: iso(SUNDAY.from), to: iso(SUNDAY.to), team });
      for (const m of r.dimensions.flatMap((d) => d.measures))
        if (m.withheld) found.push({ team, id: m.id, withheld: m.withheld });
    }
    expect(found.length).toBeGreaterThan(0);
    const { team, id, withheld } = found[0]!;
    const page = await open(
      `/space?from=${SUNDAY.from}&to=${SUNDAY.to}&team=${encodeURIComponent(team)}`,
      DEEP_DIVE,
    );
    const row = page.getByTestId(`space-measure-${id}`);
    expect(await row.getAttribute('data-value')).toBe('');
    const cell = row.locator('td').nth(1);
    expect((await cell.textContent())!.trim()).toBe('withheld');
    expect(await cell.getAttribute('title')).toBe(withheld);
    expect(withheld).toMatch(/privacy.min_group_size/);
    expect(await row.locator('.badge').textContent()).toBe('Withheld');
    await page.close();
  });

  it('the executive panel draws a bar per dimension with score/5, target and last quarter, and the overall score', async () => {
    const api = await fx.client.space({ from: iso(VIEW.from), to: iso(VIEW.to) });
    const page = await open(`/executive?${QUERY}`, PANEL);
    const panel = page.getByTestId('space-score');
    for (const d of api.dimensions) {
      const li = panel.getByTestId(`space-score-${d.dimension}`);
      expect(await li.getAttribute('data-score')).toBe(d.score === null ? '' : String(d.score));
      expect(await li.textContent()).toContain(`${d.score === null ? '—' : d.score.toFixed(1)}/5`);
    }
    expect(await panel.getByTestId('space-overall').getAttribute('data-score')).toBe(
      String(api.overall.score),
    );
    expect(await panel.getByTestId('space-overall').textContent()).toContain(
      `Overall score: ${api.overall.score!.toFixed(1)}/5`,
    );
    expect(await panel.textContent()).toMatch(/last quarter/);
    // A dimension's name leads to its section of the deep dive.
    await panel.getByTestId('space-score-activity').locator('a').click();
    await page.waitForSelector(`${DEEP_DIVE}[data-loaded="1"]`, { timeout: 120_000 });
    expect(new URL(page.url()).pathname).toBe('/space');
    expect(new URL(page.url()).hash).toBe('#activity');
    await page.close();
  });
});
