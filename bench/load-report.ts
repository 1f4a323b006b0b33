import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, type BenchResult } from './harness.js';

/**
 * Loads the demo organisation (default 1,000 developers × 365 days, ≈10M records) into DuckDB
 * and PostgreSQL and times the full report over the last 30 days. Baselines from the same run:
 * generating and validating the records without a store, and a count over every table; and
 * enrichment after appending the last 1% of the records, against the full enrichment.
 * BENCH_DEVELOPERS / BENCH_DAYS / BENCH_ENGINES change the size and engines.
 */
export async function loadReportBench(): Promise<BenchResult> {
  const developers = process.env.BENCH_DEVELOPERS ?? '1000';
  const days = process.env.BENCH_DAYS ?? '365';
  const engines = (process.env.BENCH_ENGINES ?? 'duckdb,postgres').split(',');
  const child = fileURLToPath(new URL('./load-child.ts', import.meta.url));
  const run = (args: string[]) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', child, ...args], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
        stdio: ['ignore', 'pipe', 'inherit'],
      })
        .trim()
        .split('\n')
        .pop()!,
    ) as Record<string, number>;
  const pgUrl = engines.includes('postgres')
    ? execFileSync('bash', [fileURLToPath(new URL('../scripts/postgres-up.sh', import.meta.url))], {
        encoding: 'utf8',
      }).trim()
    : '';
  const lines = [`demo org: ${developers} developers × ${days} days`];
  const gen = run(['generate', '-', developers, days]);
  lines.push(
    `baseline: generate + validate only ${gen.records!.toLocaleString('en')} records in ${fmt(gen.ms! / 1000)} s (${Math.round(gen.records! / (gen.ms! / 1000)).toLocaleString('en')} records/s), peak RSS ${fmt(gen.maxRssMb!, 0)} MB`,
  );
  for (const engine of engines) {
    // The last 1% of the records is appended after the first enrichment.
    const r = run(['load', engine, developers, days, pgUrl, String(Math.round(gen.records! * 0.99))]);
    const perSec = r.records! / (r.loadMs! / 1000);
    lines.push(
      `${engine}: loaded ${r.records!.toLocaleString('en')} records in ${fmt(r.loadMs! / 1000)} s = ${Math.round(perSec).toLocaleString('en')} records/s (${fmt(r.loadMs! / gen.ms!, 2)}x the no-store baseline); enrich ${fmt(r.enrichMs! / 1000)} s; peak RSS during load ${fmt(r.loadRssMb!, 0)} MB (goal < 400)`,
      `${engine}: enrich after appending ${r.appendedRecords!.toLocaleString('en')} more records (1%): ${fmt(r.appendEnrichMs! / 1000, 2)} s = ${fmt((100 * r.appendEnrichMs!) / r.enrichMs!, 1)}% of the full enrich (goal <= 5%)`,
      `${engine}: report of ${r.metrics} metrics × 2 windows: p50 ${fmt(r.reportP50!, 0)} ms, p95 ${fmt(r.reportP95!, 0)} ms (goal ${engine === 'duckdb' ? '< 250' : '< 1500'} ms); baseline count over every table ${fmt(r.scanP50!, 0)} ms; ratio p95/baseline ${fmt(r.reportP95! / r.scanP50!, 1)}x; peak RSS overall ${fmt(r.maxRssMb!, 0)} MB`,
      `${engine}: report of the ${r.foundationMetrics} foundation metrics (dora.*, git.*) × 2 windows: p50 ${fmt(r.foundationP50!, 0)} ms, p95 ${fmt(r.foundationP95!, 0)} ms`,
    );
  }
  return { name: 'load-report', lines };
}
