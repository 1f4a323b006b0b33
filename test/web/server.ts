import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { build } from 'vite';
import { PitwallClient } from '../../src/client/index.js';
import type { AnyRecordInput } from '../../src/domain/records.js';
import { createDemo } from '../../src/demo/generate.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingestBatches } from '../../src/ingest/ingest.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { testConfig } from '../helpers/collect-git.js';
import { openTestStore, type TestStore } from '../helpers/stores.js';

/** The demo organisation the dashboards are read on: 8 weeks, so a 4-week view has a previous window. */
export const DEMO_END = new Date('2025-03-01T00:00:00Z');
export const VIEW = { from: '2025-02-01', to: '2025-03-01' };

export interface WebFixture {
  url: string;
  client: PitwallClient;
  close(): Promise<void>;
}

/** Builds the web app as users get it into a fresh temp folder (parallel runs never share dist/web). */
export async function buildWebApp(prefix = 'pitwall-web-'): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), prefix));
  // Vite picks React's build from NODE_ENV, which Vitest sets to "test": build what users get.
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  await build({
    mode: 'production',
    configFile: fileURLToPath(new URL('../../src/web/vite.config.ts', import.meta.url)),
    build: { outDir: out, emptyOutDir: true },
    logLevel: 'error',
  }).finally(() => (process.env.NODE_ENV = env));
  return out;
}

/**
 * Builds the web app, loads the demo into a fresh store and serves both from the real server on
 * a free loopback port.
 */
export async function startWebFixture(opts: { records?: AnyRecordInput[] } = {}): Promise<WebFixture> {
  const out = await buildWebApp();
  const t: TestStore = await openTestStore('duckdb');
  const config = testConfig();
  await ingestBatches(
    t.store,
    createDemo({ developers: 16, days: 56, seed: 7, end: DEMO_END }).batches(10_000),
  );
  // A test's own records on top of the demo (e.g. activity in the demo's last hour).
  if (opts.records) await ingestBatches(t.store, [opts.records]);
  await ensureFresh(t.store, config);
  let running: RunningServer;
  try {
    running = await startServer({
      store: t.store,
      config,
      logger: pino({ level: 'silent' }),
      host: '127.0.0.1',
      port: 0,
      anonymousRead: true,
      webRoot: out,
      clock: () => DEMO_END,
      schedule: false,
    });
  } catch (e) {
    await t.cleanup();
    throw e;
  }
  return {
    url: running.url,
    client: new PitwallClient({ baseUrl: running.url }),
    async close() {
      await running.close();
      await t.cleanup();
      rmSync(out, { recursive: true, force: true });
    },
  };
}
