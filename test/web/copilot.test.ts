import { describe, expect, it } from 'vitest';
import { createDemo } from '../../src/demo/generate.js';
import { screenshot } from './browser.js';
import { webPages } from './pages.js';
import { DEMO_END, VIEW } from './server.js';

/** AI adoption (the Copilot metrics) on the executive page and in the SPACE activity table, in a real Chromium on the demo. */
// A team of three with its own Copilot points: too few people to show its adoption.
const TINY = ['t1', 't2', 't3'];
const web = webPages({
  records: [
    ...TINY.map((login) => ({ kind: 'person' as const, login, team: 'tiny' })),
    ...TINY.map((author, i) => ({
      kind: 'commit' as const,
      repo: 'demo/tiny-api',
      sha: String(i).padEnd(40, 'e'),
      author,
      authored_at: '2025-02-10T10:00:00Z',
      committed_at: '2025-02-10T10:00:00Z',
      subject: 'work',
    })),
    {
      kind: 'metric_point' as const,
      name: 'copilot.active_users',
      occurred_at: '2025-02-10T00:00:00Z',
      type: 'gauge' as const,
      value: 3,
      tags: { org: 'demo', team: 'tiny' },
    },
  ],
});
const WINDOW = { from: `${VIEW.from}T00:00:00.000Z`, to: `${VIEW.to}T00:00:00.000Z` };
const QUERY = `from=${VIEW.from}&to=${VIEW.to}`;
const METRIC = 'copilot.adoption.active_share';
// The fixture's demo: its planted Copilot users over its developers (src/demo/copilot.ts).
const truth = createDemo({ developers: 16, days: 56, seed: 7, end: DEMO_END }).truth;
const planted = truth.copilot.users.length / 16;

describe('AI adoption in the browser', () => {
  it('the executive page shows the API’s adoption value, its change and the weekly trend', async () => {
    const api = await web.fx.client.metric(METRIC, WINDOW);
    const value = api.values[0]!.value!;
    expect(value).toBeCloseTo(planted, 12);
    const page = await web.open(`/executive?${QUERY}`);
    const el = page.getByTestId(`value-${METRIC}`);
    await expect.poll(() => el.getAttribute('data-loaded')).toBe('1');
    expect(Number(await el.getAttribute('data-value'))).toBe(value);
    expect(await el.textContent()).toBe((value * 100).toLocaleString('en-US', { maximumFractionDigits: 1 }));
    const tile = page.getByTestId(`tile-${METRIC}`);
    expect(await tile.textContent()).toContain('AI adoption');
    // The window before has the same planted share: the change reads as none, not as news.
    expect(await tile.locator('.trend').getAttribute('class')).toContain('trend-flat');
    expect(await tile.locator('.trend').textContent()).toBe('■ 0 pts vs previous period');
    const trend = page.getByTestId('ai-adoption-trend');
    await trend.locator('canvas, svg').first().waitFor();
    expect(await page.getByTestId('ai-adoption-trend-withheld').count()).toBe(0);
    await screenshot(page, 'executive-ai-adoption');
    await page.close();
  });

  it('the SPACE activity table has the adoption row with the API’s value, for the organisation and a team', async () => {
    const page = await web.open(`/space?${QUERY}`);
    const row = page.getByTestId('space-adoption-copilot');
    await row.waitFor();
    const api = await web.fx.client.metric(METRIC, WINDOW);
    expect(Number(await row.getAttribute('data-value'))).toBe(api.values[0]!.value);
    expect(await row.textContent()).toContain('Adoption: Copilot');
    await page.close();

    const team = truth.teams[0]!;
    const teamPage = await web.open(`/space?${QUERY}&team=${team.team}`);
    const teamRow = teamPage.getByTestId('space-adoption-copilot');
    await teamRow.waitFor();
    const teamApi = await web.fx.client.metric(METRIC, { ...WINDOW, team: team.team });
    const mine = truth.copilot.users.filter((u) => team.members.includes(u)).length;
    expect(teamApi.values[0]!.value).toBeCloseTo(mine / team.members.length, 12);
    await expect
      .poll(async () => Number(await teamRow.getAttribute('data-value')))
      .toBe(teamApi.values[0]!.value);
    await teamPage.close();
  });

  it('a team of fewer than five shows the adoption row as withheld with the reason, never a number', async () => {
    const api = await web.fx.client.metric(METRIC, { ...WINDOW, team: 'tiny' });
    expect(api.values[0]).toMatchObject({ value: null, people: 3 });
    const page = await web.open(`/space?${QUERY}&team=tiny`);
    const row = page.getByTestId('space-adoption-copilot');
    await row.waitFor();
    expect(await row.getAttribute('data-value')).toBe('');
    expect(await row.locator('td').nth(1).textContent()).toBe('withheld');
    expect(await row.textContent()).toContain('Withheld');
    expect(await row.locator('td').nth(1).getAttribute('title')).toMatch(/privacy\.min_group_size/);
    await screenshot(page, 'space-ai-adoption-withheld');
    await page.close();
  });
});
