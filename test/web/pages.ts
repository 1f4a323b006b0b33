import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launch, settled } from './browser.js';
import type { AnyRecordInput } from '../../src/domain/records.js';
import { startWebFixture, type WebFixture } from './server.js';

/**
 * The demo server and one Chromium for a test file, started before its tests and closed after;
 * `open` loads a path, waits for the page to settle and fails on any page error.
 */
export function webPages(opts: { records?: AnyRecordInput[] } = {}) {
  let fx: WebFixture | undefined;
  let chrome: Awaited<ReturnType<typeof launch>> | undefined;
  beforeAll(async () => {
    fx = await startWebFixture(opts);
    chrome = await launch();
  }, 300_000);
  afterAll(async () => {
    await chrome?.close();
    await fx?.close();
  });
  return {
    get fx(): WebFixture {
      return fx!;
    },
    async open(path: string): Promise<Page> {
      const page = await chrome!.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${fx!.url}${path}`);
      await settled(page);
      expect(errors).toEqual([]);
      return page;
    },
  };
}
