import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, type BenchResult } from './harness.js';
import { freshPostgresDatabase } from './stores.js';
import { writeJunitReport } from './junit-report.js';

type Step = { maxRssMb: number; ms: number; tests?: number };

/**
 * Peak RSS of collecting one generated Surefire-style report (default 833,000 cases, about
 * 200 MB) into a fresh store, each run in its own process, against baselines from the same run:
 * a process that only loads the collector and a store, and a plain SAX pass over the same file.
 * The same at a quarter of the cases gives the slope: memory that grows with the report shows
 * there. BENCH_JUNIT_CASES and BENCH_ENGINES (duckdb,postgres) change the size and engines;
 * PITWALL_DUCKDB_MEMORY sets DuckDB's memory_limit.
 */
export async function junitMemoryBench(): Promise<BenchResult> {
  const cases = Number(process.env.BENCH_JUNIT_CASES ?? 833_000);
  const engines = (process.env.BENCH_ENGINES ?? 'duckdb,postgres').split(',');
  const child = fileURLToPath(new URL('./junit-child.ts', import.meta.url));
  const step = (args: string[]) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', child, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      })
        .trim()
        .split('\n')
        .pop()!,
    ) as Step;
  let fresh = 0;
  /** Runs a step against a fresh, empty store of the engine. */
  const onFreshStore = async (engine: string, args: string[], dir: string): Promise<Step> => {
    const name = `pitwall_bench_junit_${process.pid}_${fresh++}`;
    if (engine === 'duckdb') return step([...args, join(dir, `${name}.duckdb`)]);
    const db = await freshPostgresDatabase('junit');
    try {
      return step([...args, db.url]);
    } finally {
      await db.drop();
    }
  };

  const dir = mkdtempSync(join(tmpdir(), 'pitwall-bench-junit-'));
  const lines: string[] = [];
  try {
    const start = step(['start']);
    lines.push(
      `baseline: a process that loads the collector and a store: peak RSS ${fmt(start.maxRssMb, 0)} MB`,
    );
    const opened = new Map<string, number>();
    for (const engine of engines) {
      opened.set(engine, (await onFreshStore(engine, ['open'], dir)).maxRssMb);
      lines.push(
        `baseline: the same, opening a fresh ${engine} store: peak RSS ${fmt(opened.get(engine)!, 0)} MB`,
      );
    }
    const sizes = [cases, Math.round(cases / 4)];
    const peak = new Map<string, number[]>();
    for (const n of sizes) {
      const report = join(dir, `report-${n}.xml`);
      const made = await writeJunitReport(report, n);
      const sax = step(['sax', report]);
      lines.push(
        `report of ${n.toLocaleString('en')} cases, ${fmt(made.bytes / 1e6, 0)} MB: baseline SAX pass alone peak RSS ${fmt(sax.maxRssMb, 0)} MB, ${fmt(sax.ms / 1000)} s`,
      );
      for (const engine of engines) {
        const r = await onFreshStore(engine, ['collect', report], dir);
        if (r.tests !== n) throw new Error(`${engine}: collected ${r.tests} of ${n} cases`);
        peak.set(engine, [...(peak.get(engine) ?? []), r.maxRssMb]);
        lines.push(
          `  ${engine}: collect junit peak RSS ${fmt(r.maxRssMb, 0)} MB (goal < 300): ${fmt(r.maxRssMb / opened.get(engine)!, 2)}x opening the store, ${fmt(r.maxRssMb / sax.maxRssMb, 2)}x the SAX pass; ${fmt(r.ms / 1000)} s`,
        );
      }
      rmSync(report, { force: true });
    }
    for (const [engine, [big, small]] of peak)
      lines.push(
        `${engine}: peak RSS grows ${fmt(((big! - small!) / (sizes[0]! - sizes[1]!)) * 100_000, 1)} MB per 100,000 cases between the two sizes`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { name: 'junit-memory', lines };
}
