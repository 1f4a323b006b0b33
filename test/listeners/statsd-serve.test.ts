import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import StatsDClient from 'hot-shots';
import { describe, expect, it } from 'vitest';
import { statsdSection } from '../../src/listeners/statsd/config.js';
import { openStore } from '../../src/store/open.js';
import { startServe } from '../helpers/serve-process.js';
import { openTestStore } from '../helpers/stores.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pitwall serve with statsd: enabled', () => {
  it('is off unless the config turns it on', () => {
    expect(statsdSection.parse(undefined)).toMatchObject({ enabled: false, host: '127.0.0.1', port: 8125 });
    expect(() => statsdSection.parse({ enabled: true, prot: 1 })).toThrow(/prot/);
  });

  it(
    'stores what a hot-shots client sends, flushing the last interval on SIGTERM before the store closes',
    { timeout: 60_000 },
    async () => {
      const t = await openTestStore('duckdb');
      const dir = mkdtempSync(join(tmpdir(), 'pitwall-statsd-'));
      try {
        await t.store.close();
        writeFileSync(
          join(dir, 'pitwall.yaml'),
          'statsd:\n  enabled: true\n  port: 0\n  flush_interval_seconds: 3600\n',
        );
        const serve = await startServe([], { cwd: dir, env: { PITWALL_DB: t.config.duckdbPath } });
        let port = 0;
        for (let i = 0; i < 200 && !port; i++) {
          port = Number(/StatsD listener on udp 127\.0\.0\.1:(\d+)/.exec(serve.stderr())?.[1] ?? 0);
          if (!port) await sleep(25);
        }
        expect(port, serve.stderr()).toBeGreaterThan(0);
        const c = new StatsDClient({ host: '127.0.0.1', port, includeDatadogTelemetry: false });
        c.timing('testenv.provision.total_duration', 180_000, { repo: 'mural-kraken' });
        c.timing('testenv.provision.total_duration', 240_000, { repo: 'mural-kraken' });
        c.increment('testenv.provision.success', 1, { repo: 'mural-kraken' });
        await new Promise<void>((r) => c.close(() => r()));
        await sleep(300);
        serve.child.kill('SIGTERM');
        expect(await serve.exited, serve.stderr()).toBe(0);
        const store = await openStore({ duckdbPath: t.config.duckdbPath });
        try {
          const rows = await store.query<{ name: string; value: number }>(
            `select name, value from metric_points where name like 'testenv.provision.%' order by name`,
          );
          const byName = Object.fromEntries(rows.map((r) => [r.name, Number(r.value)]));
          expect(byName).toMatchObject({
            'testenv.provision.success': 1,
            'testenv.provision.total_duration.count': 2,
            'testenv.provision.total_duration.sum': 420_000,
            'testenv.provision.total_duration.max': 240_000,
          });
        } finally {
          await store.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await t.cleanup();
      }
    },
  );
});
