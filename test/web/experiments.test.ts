import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, screenshot, settled } from './browser.js';
import { startWebFixture, type WebFixture } from './server.js';

let fx: WebFixture;
let chrome: Awaited<ReturnType<typeof launch>>;
let browser: BrowserContext;

beforeAll(async () => {
  fx = await startWebFixture();
  chrome = await launch();
  browser = chrome.context;
}, 600_000);

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
  return page;
}

describe('the Experiments page', () => {
  it('lists active and finished experiments with the API’s results table and recommendation', async () => {
    const page = await open('/experiments');
    const api = await fx.client.experimentsWithResults();
    const active = api.results.filter((x) => ['running', 'planned'].includes(x.experiment.status));
    const finished = api.results.filter((x) => !active.includes(x));
    // The demo's review bot runs; its null twin has ended.
    expect(active.map((x) => x.experiment.id)).toContain('exp-ai-review-bot');
    expect(finished.map((x) => x.experiment.id)).toContain('exp-review-reminder');
    expect(await page.getByTestId('active-count').textContent()).toBe(
      `Active experiments (${active.length})`,
    );
    expect(await page.getByTestId('finished-count').textContent()).toBe(
      `Finished experiments (${finished.length})`,
    );
    for (const x of api.results) {
      const card = page.getByTestId(`experiment-${x.experiment.id}`);
      expect(await card.count()).toBe(1);
      for (const r of x.results) {
        const row = card.getByTestId(`result-${x.experiment.id}-${r.metric}`);
        expect(await row.getAttribute('data-significant')).toBe(r.significant ? '1' : '0');
        const text = (await row.textContent()) ?? '';
        expect(text).toContain(r.title);
        if (r.control.withheld || r.treatment.withheld) expect(text).toContain('withheld');
        else expect(text).toContain(`${r.percent.value! > 0 ? '+' : ''}${r.percent.value!.toFixed(1)}%`);
      }
      if (x.recommendation)
        expect(await card.getByTestId('recommendation').getAttribute('data-action')).toBe(
          x.recommendation.action,
        );
    }
    const bot = page.getByTestId('experiment-exp-ai-review-bot');
    expect(await bot.textContent()).toMatch(/Hypothesis:.*30%/);
    expect(await bot.getByTestId('status').textContent()).toBe('In progress');
    await screenshot(page, 'experiments');
    await page.close();
  });

  it('is one click from the navigation', async () => {
    const page = await open('/executive');
    await page.getByRole('link', { name: 'Experiments' }).click();
    await settled(page);
    expect(new URL(page.url()).pathname).toBe('/experiments');
    expect(await page.getByRole('heading', { name: /Platform experiments/ }).count()).toBe(1);
    await page.close();
  });
});
