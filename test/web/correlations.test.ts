import { describe, expect, it } from 'vitest';
import { screenshot, settled } from './browser.js';
import { webPages } from './pages.js';

const web = webPages();
const open = (path: string) => web.open(path);

describe('the Correlations page', () => {
  it('shows the pair the API computes: rho, p, n, a scatter plot of the team x month points, the caveat and the small-n warning', async () => {
    const page = await open('/correlations');
    const api = await web.fx.client.correlation({
      x: 'dx.survey.nps',
      y: 'github.prs.time_to_first_review_hours',
      bucket: 'month',
    });
    const stats = page.getByTestId('correlation-stats');
    await expect.poll(() => stats.getAttribute('data-loaded')).toBe('1');
    expect(Number(await stats.getAttribute('data-n'))).toBe(api.n);
    expect(await stats.getAttribute('data-rho')).toBe(api.rho === null ? '' : String(api.rho));
    expect(await stats.textContent()).toContain(`n ${api.n}`);
    expect(api.n).toBeGreaterThan(0);
    expect(await page.getByTestId('correlation-scatter').locator('canvas').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('correlation-caveat').textContent()).toMatch(/Correlation is not cause/);
    // The fixture has two teams over two months: too few points, and the page says so.
    expect(api.n).toBeLessThan(api.minN);
    expect(await page.getByTestId('correlation-warning').allTextContents()).toContainEqual(
      expect.stringMatching(/too few to trust/),
    );
    await screenshot(page, 'correlations');
    await page.close();
  });

  it('lists the strongest relations and opens a row’s pair when clicked', async () => {
    const page = await open('/correlations');
    const table = await web.fx.client.strongestCorrelations();
    const rows = page.getByTestId('strongest-row');
    await expect.poll(() => rows.count()).toBe(table.relations.length);
    expect(table.relations.length).toBeGreaterThan(1);
    const second = table.relations[1]!;
    await rows.nth(1).click();
    await expect.poll(() => page.getByTestId('correlation-x').inputValue()).toBe(second.x.name);
    expect(await page.getByTestId('correlation-y').inputValue()).toBe(second.y.name);
    await settled(page);
    const stats = page.getByTestId('correlation-stats');
    await expect.poll(async () => Number(await stats.getAttribute('data-n'))).toBe(second.n);
    await page.close();
  });

  it('is linked from the navigation', async () => {
    const page = await open('/executive');
    await page.getByRole('link', { name: 'Correlations' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/correlations');
    await page.close();
  });
});

describe('the Executive Platform ROI panel', () => {
  it('shows the API’s yearly value, in hours when no developer_hour is configured, and the line items', async () => {
    const page = await open('/executive');
    const roi = await web.fx.client.roi();
    const value = page.getByTestId('roi-value');
    await expect.poll(() => value.getAttribute('data-loaded')).toBe('1');
    expect(roi.summary.inHours).toBe(true);
    expect(await value.textContent()).toBe(roi.summary.valueText);
    expect(roi.summary.valueText).toMatch(/hours\/year$/);
    expect(await page.getByTestId('roi-investment').textContent()).toMatch(/costs\.developer_hour/);
    expect(await page.getByTestId('roi-items').locator('tbody tr').count()).toBe(roi.items.length);
    await screenshot(page, 'executive-roi');
    await page.close();
  });
});
