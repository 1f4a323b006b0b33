import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { openTestStore, type TestStore } from '../helpers/stores.js';
import { launch, screenshot, settled } from './browser.js';
import { startWebFixture, VIEW, type WebFixture } from './server.js';

const iso = (d: string) => `${d}T00:00:00.000Z`;

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

async function open(url: string): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await settled(page);
  expect(errors).toEqual([]);
  return page;
}

describe('the Feedback page on the demo organisation (real server, real store, Chromium)', () => {
  it('shows friction by category, its trend and the top drivers exactly as the API computes them', async () => {
    const api = await fx.client.feedbackSummary({ from: iso(VIEW.from), to: iso(VIEW.to) });
    const page = await open(`${fx.url}/feedback-insights?from=${VIEW.from}&to=${VIEW.to}`);
    expect(await page.locator('.error').count()).toBe(0);
    expect(await page.locator('nav a[href^="/feedback-insights"]').count()).toBe(1);
    expect(await page.getByTestId('friction-total').getAttribute('data-value')).toBe(
      String(api.friction.total.reports ?? ''),
    );
    for (const c of api.friction.byCategory) {
      const row = page.getByTestId(`friction-${c.category}`);
      expect(await row.getAttribute('data-value')).toBe(c.reports === null ? '' : String(c.reports));
      if (c.withheld) expect(await row.textContent()).toContain('withheld');
    }
    const shown = [...api.drivers.dissatisfaction, ...api.drivers.satisfaction];
    expect(shown.length).toBeGreaterThan(0);
    for (const d of shown) {
      const li = page.getByTestId(`driver-${d.theme}`);
      expect(await li.textContent()).toContain(d.summary);
      expect(await li.getAttribute('data-withheld')).toBe(d.withheld ? '1' : '0');
    }
    // The demo plants slow CI for the most developers; a theme of one or two of 16 is withheld.
    expect(api.drivers.dissatisfaction[0]!.theme).toBe('ci-slow');
    expect(shown.some((d) => d.withheld)).toBe(true);
    expect(await page.getByTestId('friction-trend').locator('canvas').count()).toBeGreaterThan(0);
    // Counts only: no comment text and no pseudonym reaches the page.
    const body = (await page.locator('body').textContent()) ?? '';
    expect(body).not.toMatch(/Jenkins is so slow|Flaky e2e tests block merges|p_[0-9a-f]{32}/);
    await screenshot(page, 'feedback-insights');
    await page.close();
  });
});

describe('the feedback form in a browser, alone and embedded in another site’s page', () => {
  let t: TestStore;
  let server: RunningServer;
  let host: Server;
  let hostUrl: string;
  beforeAll(async () => {
    t = await openTestStore('duckdb');
    const base = testConfig();
    const config = { ...base, feedback: { ...base.feedback, public_form: true } } as Config;
    server = await startServer({
      store: t.store,
      config,
      logger: pino({ level: 'silent' }),
      host: '127.0.0.1',
      port: 0,
      schedule: false,
    });
    // Another origin (another port) whose page embeds the form.
    host = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        `<!doctype html><h1>Team wiki</h1><iframe id="fb" src="${server.url}/feedback?team=payments" width="600" height="600"></iframe>`,
      );
    });
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
    hostUrl = `http://localhost:${(host.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((r) => host?.close(r));
    await server?.close();
    await t?.cleanup();
  });
  const stored = () =>
    t.store.query<{
      author: string | null;
      team: string | null;
      category: string;
      sentiment: string;
      text: string;
    }>('select author, team, category, sentiment, text from feedback order by text');

  it('works without the web bundle: shows the problem in place, then records the corrected feedback', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/feedback`);
    await page.selectOption('#category', 'environments');
    await page.getByLabel('Something got in my way').check();
    await page.fill('#text', '   ');
    await page.click('button[type=submit]');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/form text: must not be empty/);
    expect(await page.inputValue('#category')).toBe('environments');
    expect(await stored()).toEqual([]);
    await page.fill('#text', 'Test environments take too long');
    await page.click('button[type=submit]');
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').textContent()).toMatch(/Thank you/);
    expect(await stored()).toEqual([
      {
        author: null,
        team: null,
        category: 'environments',
        sentiment: 'friction',
        text: 'Test environments take too long',
      },
    ]);
    await page.close();
  });

  it('posts from inside an iframe on another origin (a same-origin form post), with the team prefilled', async () => {
    const page = await browser.newPage();
    await page.goto(hostUrl);
    const frame = page.frameLocator('#fb');
    await frame.locator('#category').selectOption('docs');
    await frame.getByLabel('Something works well').check();
    await frame.locator('#text').fill('Great docs for the new SDK');
    await frame.locator('button[type=submit]').click();
    await frame.getByRole('status').waitFor();
    expect((await stored()).find((r) => r.text === 'Great docs for the new SDK')).toEqual({
      author: null,
      team: 'payments',
      category: 'docs',
      sentiment: 'praise',
      text: 'Great docs for the new SDK',
    });
    await screenshot(page, 'feedback-form-embedded');
    await page.close();
  });

  it('a page on another origin cannot post feedback in a visitor’s name', async () => {
    const page = await browser.newPage();
    await page.goto(hostUrl);
    const status = await page.evaluate(async (url) => {
      const r = await fetch(`${url}/feedback`, {
        method: 'POST',
        mode: 'no-cors',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'category=ci&sentiment=friction&text=forged',
      });
      return r.type;
    }, server.url);
    expect(status).toBe('opaque');
    expect((await stored()).some((r) => r.text === 'forged')).toBe(false);
    await page.close();
  });
});
