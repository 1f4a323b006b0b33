import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.PITWALL_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = 'test-results/screenshots';

/**
 * Debian's Chromium, headless. The networking flags keep it from calling home: this machine's
 * closed network refuses those connections and slows every start.
 */
export async function launch(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  // A fresh profile each run: no cache or state carried from an earlier run.
  const profile = mkdtempSync(join(tmpdir(), 'pitwall-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until no read is in flight and every value has its answer, then a frame for the charts.
 * A page with no value rendered yet is not settled: the registry's load ends before pages mount.
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    `document.body.dataset.pending === '0' && document.querySelector('[data-loaded]') && !document.querySelector('[data-loaded="0"]')`,
    undefined,
    { timeout: 60_000 },
  );
  await page.waitForTimeout(300);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
