import type { Store } from '../../src/store/store.js';
import { StatsdAggregator } from '../../src/listeners/statsd/aggregate.js';
import { parseLine } from '../../src/listeners/statsd/parse.js';
import { ingest } from '../../src/ingest/ingest.js';

const DAY = 86_400_000;
export const dayStart = (d: Date) => new Date(Math.floor(d.getTime() / DAY) * DAY);

/**
 * A small warehouse across several days: metric points of a few series (one tag set with
 * awkward text), spans with and without an end, commands, and reference rows (repos).
 * `days` counts back from `end` (exclusive).
 */
export async function seedWarehouse(store: Store, end: Date, days = 4, perDay = 120): Promise<void> {
  const records: unknown[] = [{ kind: 'repo', repo: 'acme/api', team: 'core' }];
  for (let d = days; d >= 1; d--) {
    const base = end.getTime() - d * DAY;
    for (let i = 0; i < perDay; i++) {
      const at = new Date(base + i * 60_000 + 7).toISOString();
      records.push({
        kind: 'metric_point',
        name: 'ci.queue.depth',
        occurred_at: at,
        value: (i * Math.PI) / 7 + d * 1e-9,
        tags: { runner: i % 2 ? 'linux' : 'mac', note: 'it\'s "quoted", ünïcode, a comma,\nand a new line' },
      });
      records.push({
        kind: 'metric_point',
        name: 'ci.builds.count',
        occurred_at: at,
        type: 'count',
        value: i,
        tags: {},
      });
    }
    for (let i = 0; i < 10; i++)
      records.push({
        kind: 'span',
        span_id: `s-${d}-${i}`,
        name: 'testenv.provision',
        repo: 'acme/api',
        key: `branch-${i}`,
        started_at: new Date(base + i * 3_600_000).toISOString(),
        ended_at: i % 3 === 0 ? undefined : new Date(base + i * 3_600_000 + 1000 * (60 + i)).toISOString(),
        status: i % 4 === 0 ? 'error' : 'ok',
        attributes: { sha: `abc${i}`, ci_tests_complete: i % 2 === 0 },
      });
    for (let i = 0; i < 8; i++)
      records.push({
        kind: 'command',
        id: `c-${d}-${i}`,
        user_name: 'ada',
        command: i === 1 ? 'echo "a,b"\nls \'x\' \\ ""' : 'npm test',
        category: i % 2 ? 'test' : 'build',
        repo: 'acme/api',
        exit_code: i % 3 === 0 ? 1 : 0,
        started_at: new Date(base + i * 1_800_000).toISOString(),
        duration_ms: 100 * (i + 1) + d,
      });
  }
  await ingest(store, records);
}

/**
 * Timings of one StatsD distribution, sent as DogStatsD lines with their own timestamps through
 * the real parser and aggregator: `perInterval` samples per flush interval, two repositories.
 * Returns the records the listener would have flushed and every raw value with its time and repo.
 */
export function statsdTimings(
  name: string,
  from: Date,
  to: Date,
  intervalSeconds: number,
  perInterval: number,
): { records: unknown[]; raw: { at: number; repo: string; value: number }[] } {
  const agg = new StatsdAggregator({ intervalSeconds });
  const raw: { at: number; repo: string; value: number }[] = [];
  let i = 0;
  const records: unknown[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += intervalSeconds * 1000) {
    for (let k = 0; k < perInterval; k++, i++) {
      const repo = i % 3 ? 'acme/api' : 'acme/web';
      // A skewed spread with a long tail, deterministic: exact quantiles are known from `raw`.
      const value = Math.round(50 + ((i * 7919) % 1000) ** 1.5 / 10) + (repo === 'acme/web' ? 200 : 0);
      const at = Math.floor((t + k * 997) / 1000);
      const parsed = parseLine(`${name}:${value}|d|#repo:${repo},env:ci|T${at}`);
      if (parsed.kind !== 'metric') throw new Error(`fixture line did not parse: ${JSON.stringify(parsed)}`);
      agg.add(parsed.sample);
      raw.push({ at: at * 1000, repo, value });
    }
    records.push(...agg.flush());
  }
  return { records, raw };
}

/** The exact q-quantile of `values` as DDSketch defines its rank (the value at rank q*(n-1)). */
export function exactQuantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(q * (s.length - 1))]!;
}
