import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readSource } from '../../src/collectors/sources.js';
import { loadConfig } from '../../src/plugins.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { silent } from '../server/setup.js';
import { startTarget, type Target } from './targets.js';

let web: Target;
beforeAll(async () => {
  web = await startTarget();
});
afterAll(async () => web?.stop());

describe('health jobs in pitwall.yaml', () => {
  const dirWith = (yaml: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'pitwall-health-cfg-'));
    writeFileSync(join(dir, 'pitwall.yaml'), yaml);
    return dir;
  };

  it('loads a job with http and promql checks, defaults filled in', () => {
    const cfg = loadConfig({
      cwd: dirWith(
        'collectors:\n' +
          '  - id: health\n    schedule: "* * * * *"\n    options:\n' +
          '      http:\n        - { service: backstage, url: "https://backstage.example.com/healthz", warn_ms: 500 }\n' +
          '      promql:\n        - { name: queue, service: jenkins, prometheus_url: "http://prometheus:9090", query: "sum(jenkins_queue_size_value)", warn: 10, crit: 20 }\n',
      ),
      env: {},
    });
    expect(cfg.collectors[0]?.id).toBe('health');
  });

  it.each([
    [
      '      http:\n        - { service: backstage }\n',
      /config key "collectors\.0\.options\.http\.0\.url": required/,
    ],
    [
      '      http:\n        - { service: b, url: "http://b", timeout: 3 }\n',
      /"collectors\.0\.options\.http\.0(\.timeout)?": unknown key timeout: an http check takes/,
    ],
    [
      '      promql:\n        - { name: q, service: s, prometheus_url: "http://p:9090", query: up, direction: sideways }\n',
      /config key "collectors\.0\.options\.promql\.0\.direction"/,
    ],
  ])('names the bad key of a job in %j', (options, message) => {
    const yaml = `collectors:\n  - id: health\n    schedule: "* * * * *"\n    options:\n${options}`;
    expect(() => loadConfig({ cwd: dirWith(yaml), env: {} })).toThrow(message);
  });
});

describe.each(ENGINES)('a scheduled health job in pitwall serve on %s', (engine) => {
  let t: TestStore | null = null;
  let server: RunningServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
    await t?.cleanup();
    t = null;
  });

  it('probes on its schedule and keeps the source healthy', async () => {
    t = await openTestStore(engine);
    const config = testConfig({
      collectors: [
        {
          id: 'health',
          name: 'platform',
          schedule: '* * * * * *',
          options: {
            name: 'platform',
            http: [
              { service: 'backstage', url: `${web.url}/ok` },
              { service: 'jenkins', url: `${web.url}/fail` },
            ],
          },
        },
      ],
    });
    server = await startServer({ store: t.store, config, logger: silent, host: '127.0.0.1', port: 0 });
    const store = t.store;
    const until = Date.now() + 20_000;
    while ((await readSource(store, 'health:platform'))?.last_success_at == null) {
      if (Date.now() > until) throw new Error('the health job never succeeded');
      await new Promise((r) => setTimeout(r, 100));
    }
    const rows = await store.query<{ tags: string; value: number }>(
      `select tags, value from metric_points where name = 'health.up' order by occurred_at`,
    );
    // The latest run's value per service (a per-second schedule may have run more than once).
    const up = Object.fromEntries(rows.map((r) => [JSON.parse(String(r.tags)).service, Number(r.value)]));
    expect(up).toEqual({ backstage: 1, jenkins: 0 });
    expect((await readSource(store, 'health:platform'))?.last_error).toBeNull();
  });
});
