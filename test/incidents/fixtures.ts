import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';

/** Recorded responses live beside the project, never inside it: a fresh clone has none. */
export const FIXTURES_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)), '../shared/fixtures');
export const PAGERDUTY_DIR = join(FIXTURES_ROOT, 'pagerduty-api', 'devlake-pagerduty');
export const OPSGENIE_DIR = join(FIXTURES_ROOT, 'opsgenie-api', 'devlake-opsgenie');
export const pagerdutyFixtures = () => existsSync(join(PAGERDUTY_DIR, '_raw_pagerduty_incidents.csv'));
export const opsgenieFixtures = () => existsSync(join(OPSGENIE_DIR, '_raw_opsgenie_incidents.csv'));

const csvRow = z.object({ data: z.string() });

/** A DevLake raw table: the `data` column of each row is one API JSON object. */
export function rawTable(dir: string, file: string): Record<string, unknown>[] {
  const rows = z
    .array(csvRow)
    .parse(parse(readFileSync(join(dir, file), 'utf8'), { columns: true, skip_empty_lines: true }));
  return rows.map((r) => JSON.parse(r.data) as Record<string, unknown>);
}

/** Recorded PagerDuty incidents, each with the log entries DevLake recorded inside it. */
export const recordedPagerDuty = () => rawTable(PAGERDUTY_DIR, '_raw_pagerduty_incidents.csv');
export const recordedOpsgenie = () => ({
  incidents: rawTable(OPSGENIE_DIR, '_raw_opsgenie_incidents.csv'),
  teams: rawTable(OPSGENIE_DIR, '_raw_opsgenie_teams.csv'),
});

export function skipMessage(what: string, dir: string): void {
  console.warn(
    `skipping recorded ${what} fixture tests: ${dir} is absent (it sits beside the project, not in it)`,
  );
}
