import { describe, expect, it } from 'vitest';
import { screenshot } from './browser.js';
import { webPages } from './pages.js';
import { VIEW } from './server.js';

const iso = (d: string) => `${d}T00:00:00.000Z`;
const WINDOW = { from: iso(VIEW.from), to: iso(VIEW.to) };

const web = webPages();
const open = (path: string) => web.open(path);

describe('executive insights and trend projections (real server, demo store, Chromium)', () => {
  it('shows at most five attention items and five wins, the API’s, each with its action and tie', async () => {
    const page = await open(`/executive?from=${VIEW.from}&to=${VIEW.to}`);
    const api = await web.fx.client.insights(WINDOW);
    expect(api.attention.length).toBeGreaterThan(0);
    expect(api.attention.length).toBeLessThanOrEqual(5);
    const attention = page.getByTestId('attention-item');
    expect(await attention.count()).toBe(api.attention.length);
    expect(await attention.count()).toBeLessThanOrEqual(5);
    expect(await page.getByTestId('wins-item').count()).toBe(api.wins.length);
    expect(await page.getByTestId('wins-item').count()).toBeLessThanOrEqual(5);
    for (const [n, item] of api.attention.entries()) {
      const li = attention.nth(n);
      await expect(li.textContent()).resolves.toContain(item.message);
      await expect(li.textContent()).resolves.toContain(`Action: ${item.action}`);
      expect(await li.getAttribute('data-tied')).toBe(item.tiedTo?.id ?? '');
    }
    // The planted regression is on the page, tied to its annotation.
    const tied = await attention.evaluateAll((els) => els.map((e) => e.getAttribute('data-tied')));
    expect(tied).toContain('demo-ci-integration-runner-image');
    await screenshot(page, 'executive-insights');
    await page.close();
  });

  it('the deployment-frequency trend shows the API’s next-quarter projection and its interval', async () => {
    const page = await open(`/executive?from=${VIEW.from}&to=${VIEW.to}`);
    const f = await web.fx.client.forecast({ metric: 'dora.deploys.days_per_week', to: WINDOW.to });
    expect(f.projection).toHaveLength(13);
    const panel = page.getByTestId('trend-deploys');
    expect(await page.getByTestId('trend-deploys-projection').getAttribute('data-weeks')).toBe('13');
    await expect(panel.locator('.note').textContent()).resolves.toContain('90% interval');
    await page.close();
  });

  it('the forecast route names a missing or unknown metric (400)', async () => {
    const missing = await fetch(`${web.fx.url}/api/v1/insights/forecast`);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('metric');
    const unknown = await fetch(`${web.fx.url}/api/v1/insights/forecast?metric=nope.nope.nope`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('unknown metric');
  });
});
