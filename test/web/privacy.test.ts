import { rmSync } from 'node:fs';
import { pino } from 'pino';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitwallClient } from '../../src/client/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { openTestStore, type TestStore } from '../helpers/stores.js';
import { FROM, TEAMS, TO, configWithK, privacyRecords } from '../privacy/fixture.js';
import { buildWebApp } from './server.js';
import { launch, screenshot, settled } from './browser.js';

/**
 * The dashboards show "withheld: fewer than 5 people" in place of a personal metric's number
 * for a team of 4 respondents, and the number for a team of 5; the rows drawer lists no one's
 * answers. Served by the real server from the built web app, read in real Chromium.
 */
const day = (d: Date) => d.toISOString().slice(0, 10);
const VIEW = `from=${day(FROM)}&to=${day(TO)}`;

/** NPS and satisfaction answers from every person of the fixture's two teams. */
function surveyRecords(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [team, n] of Object.entries(TEAMS))
    for (let p = 0; p < n; p++)
      for (const [question, score] of [
        ['nps', 9 - (p % 3)],
        ['satisfaction', 4],
      ] as const)
        out.push({
          kind: 'survey_response',
          survey: 'pulse-2026-03',
          respondent: `r-${team}-${p}`,
          question,
          team,
          answered_at: new Date(FROM.getTime() + 40 * 3_600_000 + p * 60_000).toISOString(),
          score,
        });
  return out;
}

let t: TestStore;
let server: RunningServer;
let out: string;
let chrome: Awaited<ReturnType<typeof launch>>;
let client: PitwallClient;

beforeAll(async () => {
  out = await buildWebApp('pitwall-web-privacy-');
  t = await openTestStore('duckdb');
  await ingest(t.store, [...privacyRecords(), ...surveyRecords()]);
  server = await startServer({
    store: t.store,
    config: configWithK(5),
    logger: pino({ level: 'silent' }),
    host: '127.0.0.1',
    port: 0,
    anonymousRead: true,
    webRoot: out,
    clock: () => TO,
    schedule: false,
  });
  client = new PitwallClient({ baseUrl: server.url });
  chrome = await launch();
}, 300_000);

afterAll(async () => {
  await chrome?.close();
  await server?.close();
  await t?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

async function open(path: string): Promise<Page> {
  const page = await chrome.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}${path}`);
  await settled(page);
  expect(errors).toEqual([]);
  return page;
}

describe('privacy on the dashboards', () => {
  it('the API agrees: NPS of the team of 4 is withheld, of the team of 5 shown', async () => {
    const w = { from: FROM.toISOString(), to: TO.toISOString() };
    const four = await client.metric('dx.survey.nps', { ...w, team: 'four' });
    const five = await client.metric('dx.survey.nps', { ...w, team: 'five' });
    expect(four.values[0]).toMatchObject({ value: null, people: 4 });
    expect(four.values[0]!.withheld).toMatch(/^withheld: fewer than 5 people/);
    expect(five.values[0]).toMatchObject({ people: 5 });
    expect(five.values[0]!.value).not.toBeNull();
  });

  it('a tile and the scorecard say "withheld: fewer than 5 people" for 4 people; 5 people show the number', async () => {
    const four = await open(`/executive?${VIEW}&team=four`);
    for (const metric of ['dx.survey.nps', 'dx.survey.satisfaction']) {
      const cells = four.locator(`[data-testid="value-${metric}"]`);
      expect(await cells.count()).toBeGreaterThan(0);
      for (const el of await cells.all()) {
        await expect(el.textContent()).resolves.toBe('withheld: fewer than 5 people');
        await expect(el.getAttribute('data-value')).resolves.toBe('');
        await expect(el.getAttribute('data-withheld')).resolves.toMatch(/privacy\.min_group_size/);
      }
    }
    await screenshot(four, 'privacy-team-of-4');
    const five = await open(`/executive?${VIEW}&team=five`);
    const tile = five.locator(
      '[data-testid="tile-dx.survey.satisfaction"] [data-testid="value-dx.survey.satisfaction"]',
    );
    await expect(tile.textContent()).resolves.toBe('4');
    await expect(tile.getAttribute('data-withheld')).resolves.toBeNull();
    await four.close();
    await five.close();
  });

  it('the rows drawer of a personal metric lists no one’s answers and says why', async () => {
    const page = await open(`/executive?${VIEW}&team=five`);
    await page.locator('[data-testid="tile-dx.survey.nps"] [data-testid="explain-dx.survey.nps"]').click();
    const drawer = page.getByTestId('explain-drawer');
    await drawer.waitFor();
    await settled(page);
    await expect(page.getByTestId('explain-withheld').textContent()).resolves.toMatch(
      /5 rows from 5 people\. rows not listed/,
    );
    expect(await drawer.locator('tbody tr').count()).toBe(0);
    await page.close();
  });
});
