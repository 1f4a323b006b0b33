import { loadConfig } from '../src/config/load.js';
import { createDemo } from '../src/demo/generate.js';
import { ingestBatches } from '../src/ingest/ingest.js';
import { registryFor } from '../src/metrics/definitions/index.js';
import { innerLoop } from '../src/report/inner-loop.js';
import { openStore } from '../src/store/open.js';
import { fmt, timeIt, type BenchResult } from './harness.js';

/**
 * The inner-loop report (every grouping of the dashboard in one statement, the command
 * normalised per distinct line) against one plain metric over the same rows in the same run
 * (local.commands.duration_p50_seconds by category, no normalisation needed): what the
 * dashboard's whole read costs in units of its cheapest panel. DuckDB in memory, a demo fleet of
 * 200 developers over 12 weeks.
 */
export async function innerLoopBench(): Promise<BenchResult> {
  const store = await openStore({ duckdbPath: ':memory:' });
  try {
    const demo = createDemo({ developers: 200, days: 84, seed: 5, end: new Date('2026-10-05T00:00:00Z') });
    await ingestBatches(store, demo.batches(20_000));
    const window = { from: new Date(demo.truth.window.from), to: new Date(demo.truth.window.to) };
    const registry = registryFor(loadConfig({ cwd: '/nonexistent', env: {} }));
    const n = (await store.query<{ n: number }>('select count(*) as n from commands'))[0]!.n;
    const metric = () =>
      registry.compute(store, 'local.commands.duration_p50_seconds', { ...window, by: 'category' });
    const report = () => innerLoop(store, window);
    await metric();
    await report();
    const best = async (fn: () => Promise<unknown>) => {
      let ms = Infinity;
      for (let i = 0; i < 5; i++) ms = Math.min(ms, (await timeIt(fn)).ms);
      return ms;
    };
    const base = await best(metric);
    const full = await best(report);
    return {
      name: 'inner-loop',
      lines: [
        `inner-loop report over ${Number(n)} commands: ${fmt(full, 0)} ms (best of 5) vs one p50-by-category metric ${fmt(base, 0)} ms: ${fmt(full / base, 1)}x`,
        `${fmt(Number(n) / (full / 1000) / 1000, 0)}k commands/s read by the report`,
      ],
    };
  } finally {
    await store.close();
  }
}
