import { rmSync } from 'node:fs';
import { pino } from 'pino';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../../src/demo/generate.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingestBatches } from '../../src/ingest/ingest.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { configFrom, startWebhookReceiver, type WebhookReceiver } from '../alerts/receivers.js';
import { openTestStore, type TestStore } from '../helpers/stores.js';
import { launch, screenshot, settled } from './browser.js';
import { buildWebApp, DEMO_END } from './server.js';

/**
 * The Platform page's Active alerts panel on the demo, with two rules that fire on it (CI p90
 * per repository above 1 minute, critical; CI success rate below 100%, warning) and one that
 * does not: the panel lists the firing ones, worst first, and acknowledges through the API.
 */
describe('Active alerts panel', () => {
  let t: TestStore;
  let out: string;
  let server: RunningServer;
  let hook: WebhookReceiver;
  let chrome: Awaited<ReturnType<typeof launch>>;
  let browser: BrowserContext;
  let token: string;

  beforeAll(async () => {
    out = await buildWebApp('pitwall-web-alerts-');
    hook = await startWebhookReceiver('/hooks/platform');
    const config = configFrom({
      alerts: [
        {
          name: 'ci-p90-slow',
          metric: 'ci.runs.duration_p90_minutes',
          when: 'above',
          threshold: 1,
          by: 'repo',
          channels: ['platform'],
          severity: 'critical',
        },
        {
          name: 'ci-red',
          metric: 'ci.runs.success_rate',
          when: 'below',
          threshold: 1,
          channels: ['platform'],
        },
        { name: 'ci-never', metric: 'ci.runs.success_rate', when: 'below', threshold: 0, channels: [] },
      ],
      notify: { channels: { platform: { type: 'slack', webhook_url_env: 'PLATFORM_HOOK' } } },
    });
    t = await openTestStore('duckdb');
    await ingestBatches(
      t.store,
      createDemo({ developers: 16, days: 56, seed: 7, end: DEMO_END }).batches(10_000),
    );
    await ensureFresh(t.store, config);
    server = await startServer({
      store: t.store,
      config,
      logger: pino({ level: 'silent' }),
      host: '127.0.0.1',
      port: 0,
      anonymousRead: true,
      webRoot: out,
      clock: () => DEMO_END,
      schedule: false,
      env: { PLATFORM_HOOK: hook.url },
    });
    await server.alerts.evaluate();
    token = (await server.ctx.tokens.create('ops', ['ingest'])).token;
    chrome = await launch();
    browser = chrome.context;
  }, 300_000);

  afterAll(async () => {
    await chrome?.close();
    await server?.close();
    await hook?.close();
    await t?.cleanup();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('lists the firing alerts, worst first, with value vs threshold and since', async () => {
    const api = await (await fetch(`${server.url}/api/v1/alerts`)).json();
    const repos = api.alerts.filter((a: { rule: string }) => a.rule === 'ci-p90-slow').length;
    expect(repos).toBeGreaterThan(0);
    expect(hook.payloads.length).toBe(api.alerts.length);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/platform`);
    await settled(page);
    expect(errors).toEqual([]);
    const rows = page.locator('[data-testid="alert-row"]');
    expect(await rows.count()).toBe(api.alerts.length);
    expect(await page.locator('[data-testid="active-alerts"] h3').textContent()).toBe(
      `Active alerts (${api.alerts.length})`,
    );
    const first = rows.first();
    expect(await first.locator('.badge').textContent()).toBe('critical');
    expect(await first.textContent()).toContain('ci-p90-slow');
    expect(await first.locator('[data-testid="alert-value"]').textContent()).toBe(
      `${api.alerts[0].valueText} (above 1 minutes)`,
    );
    expect(await first.textContent()).toContain('2025-03-01 00:00 UTC');
    const last = rows.last();
    expect(await last.locator('.badge').textContent()).toBe('warning');
    expect(await last.textContent()).toContain('ci-red');
    expect(await page.locator('text=ci-never').count()).toBe(0);
    await screenshot(page, 'platform-active-alerts');
    await page.close();
  });

  it('acknowledges: without a token the API refusal is shown, with one the row says who', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/platform`);
    await settled(page);
    const row = page.locator('[data-testid="alert-row"]').first();
    const id = await row.getAttribute('data-alert-id');
    await row.locator('[data-testid="alert-ack"]').click();
    await page.locator('[data-testid="alert-ack-error"]').waitFor();
    expect(await page.locator('[data-testid="alert-ack-error"]').textContent()).toContain(
      'needs a token with the ingest scope',
    );
    await page.locator('[data-testid="alert-token"]').fill(token);
    await row.locator('[data-testid="alert-ack"]').click();
    await page.locator(`[data-alert-id="${id}"] [data-testid="alert-acked"]`).waitFor();
    expect(await page.locator(`[data-alert-id="${id}"] [data-testid="alert-acked"]`).textContent()).toMatch(
      /^acknowledged by /,
    );
    const api = await (await fetch(`${server.url}/api/v1/alerts`)).json();
    const acked = api.alerts.find((a: { id: string }) => a.id === id);
    expect(acked.acknowledgedAt).toBe(DEMO_END.toISOString());
    // The other alerts are untouched.
    expect(api.alerts.filter((a: { acknowledgedAt: string | null }) => a.acknowledgedAt).length).toBe(1);
    await page.close();
  });
});
