import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/plugins.js';
import { EnrichQueue } from '../../src/server/enrich-queue.js';
import { Scheduler } from '../../src/server/scheduler.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';
import { dayStart, seedWarehouse } from './fixtures.js';

const DAY = 86_400_000;

for (const engine of ENGINES) {
  describe(`retention in pitwall serve's scheduler (${engine})`, () => {
    let ts: TestStore;
    let cwd: string;
    beforeAll(async () => {
      ts = await openTestStore(engine);
      await seedWarehouse(ts.store, dayStart(new Date()), 4);
      cwd = mkdtempSync(join(tmpdir(), 'pitwall-retention-serve-'));
    });
    afterAll(async () => {
      await ts.cleanup();
      rmSync(cwd, { recursive: true, force: true });
    });

    it('runs retention as a job: prunes the configured table only and records its run', async () => {
      writeFileSync(join(cwd, 'pitwall.yaml'), 'retention:\n  spans: 1\n  schedule: "0 4 * * *"\n');
      const cfg = loadConfig({ cwd, env: {} });
      const logger = pino({ level: 'silent' });
      const queue = new EnrichQueue(ts.store, cfg, logger);
      const s = new Scheduler(ts.store, cfg, logger, queue);
      const cutoff = new Date(dayStart(new Date()).getTime() - DAY);
      const [before] = await ts.store.query<{ n: number }>(
        'select count(*) as n from spans where started_at < $1::timestamp',
        [cutoff],
      );
      expect(Number(before!.n)).toBe(30);
      const r = await s.runRetention();
      await queue.flush();
      expect(r!.days.map((d) => d.rawRows)).toEqual([10, 10, 10]);
      const [after] = await ts.store.query<{ n: number }>(
        'select count(*) as n from spans where started_at < $1::timestamp',
        [cutoff],
      );
      expect(Number(after!.n)).toBe(0);
      const [run] = await ts.store.query<{ last_status: string }>(
        "select last_status from scheduler_runs where job = 'retention'",
      );
      expect(run!.last_status).toBe('ok');
      // Commands have no raw_days: untouched.
      const [cmds] = await ts.store.query<{ n: number }>(
        "select count(*) as n from daily_rollups where source = 'commands'",
      );
      expect(Number(cmds!.n)).toBe(0);
    });
  });
}
