import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/plugins.js';

const dirs: string[] = [];
const dirWith = (yaml: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-incidents-cfg-'));
  writeFileSync(join(dir, 'pitwall.yaml'), yaml);
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('pagerduty: and opsgenie: sections and scheduled jobs', () => {
  it('schedules both like any collector, with their options checked', () => {
    const cfg = loadConfig({
      cwd: dirWith(
        [
          'collectors:',
          '  - { id: pagerduty, schedule: "*/15 * * * *", options: { service_ids: [PIKL83L] } }',
          '  - { id: opsgenie, schedule: "*/15 * * * *" }',
          'pagerduty:',
          '  services: { PIKL83L: payments }',
          'opsgenie:',
          '  region: eu',
          '  teams: { platform-id: platform }',
        ].join('\n'),
      ),
      env: {
        PITWALL_PAGERDUTY_WEBHOOK_SECRET: 's3cret',
        PITWALL_OPSGENIE_WEBHOOK_TOKEN: 'opsgenie-token-0123456789',
      },
    });
    expect(cfg.collectors.map((c) => c.id)).toEqual(['pagerduty', 'opsgenie']);
    expect(cfg.pagerduty).toMatchObject({
      services: { PIKL83L: 'payments' },
      webhook_secret: 's3cret',
      overlap_hours: 72,
    });
    expect(cfg.opsgenie).toMatchObject({
      region: 'eu',
      teams: { 'platform-id': 'platform' },
      webhook_token: 'opsgenie-token-0123456789',
    });
  });

  it.each([
    [
      'collectors:\n  - { id: pagerduty, schedule: "* * * * *", options: { services: [a] } }\n',
      /collectors\.0\.options\.services/,
    ],
    ['pagerduty:\n  services: { PIKL83L: 3 }\n', /pagerduty\.services\.PIKL83L/],
    ['opsgenie:\n  region: asia\n', /opsgenie\.region/],
    ['pagerduty:\n  page_size: 500\n', /pagerduty\.page_size/],
  ])('refuses a bad value naming its key: %s', (yaml, key) => {
    expect(() => loadConfig({ cwd: dirWith(yaml), env: {} })).toThrow(key);
  });
});
