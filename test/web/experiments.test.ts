import { describe, expect, it } from 'vitest';
import { screenshot, settled } from './browser.js';
import { webPages } from './pages.js';

const web = webPages();
const open = (path: string) => web.open(path);

describe('the Experiments page', () => {
  it('lists active and finished experiments with the API’s results table and recommendation', async () => {
    const page = await open('/experiments');
    const api = await web.fx.client.experimentsWithResults();
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
