import type { Config } from '../../src/config/schema.js';
import { gitCollector } from '../../src/collectors/git/collector.js';
import { prepareCollector, type CollectSummary } from '../../src/collectors/run.js';
import { loadConfig } from '../../src/plugins.js';
import type { Store } from '../../src/store/store.js';
import { ensureFresh } from '../../src/enrich/index.js';

export const silentLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/** Config with defaults (and optional pitwall.yaml-style overrides), not read from the machine. */
export function testConfig(overrides: Record<string, unknown> = {}): Config {
  const cfg = loadConfig({ cwd: '/nonexistent', env: {} });
  return { ...cfg, ...overrides } as Config;
}

/** Runs the git collector in-process against an open store, as the CLI does. */
export async function collectGit(
  store: Store,
  path: string,
  opts: { config?: Config; name?: string; batchSize?: number } = {},
): Promise<CollectSummary> {
  const config = opts.config ?? testConfig();
  const job = await prepareCollector(
    gitCollector,
    { path, name: opts.name, ...(opts.batchSize ? { batch_size: opts.batchSize } : {}) },
    { config, env: {}, cwd: process.cwd(), logger: silentLogger },
  );
  const summary = await job.run({ store, config, logger: silentLogger });
  await ensureFresh(store, config); // as every writer does: derived flags (hotfixes) included
  return summary;
}
