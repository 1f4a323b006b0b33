import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHistory } from './git-history.js';
import { fmt, timeIt, type BenchResult } from './harness.js';
import { freshPostgresDatabase, type BenchEngine } from './stores.js';

/** Issue-sized history: BENCH_GIT_MILLION_COMMITS (default 1,000,000; 0 skips it). */
const COMMITS = Number(process.env.BENCH_GIT_MILLION_COMMITS ?? 1_000_000);
const child = fileURLToPath(new URL('./git-child.ts', import.meta.url));

interface Step {
  ms: number;
  maxRssMb: number;
  commits?: number;
  enrichMs?: number;
  enrichMaxRssMb?: number;
}
const step = (...args: string[]): Step =>
  JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', child, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    })
      .trim()
      .split('\n')
      .pop()!,
  ) as Step;

/**
 * A generated repository of a million commits collected by `pitwall collect git` on each engine,
 * each collection in its own process (its peak RSS its own), against `git log --numstat --all`
 * drained by a Node process the same way, measured in the same run.
 */
export async function gitMillionBench(): Promise<BenchResult> {
  if (COMMITS <= 0) return { name: 'git-million', lines: ['skipped (BENCH_GIT_MILLION_COMMITS=0)'] };
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-bench-million-'));
  const lines: string[] = [];
  try {
    const repo = join(dir, 'repo.git');
    execFileSync('git', ['init', '-q', '--bare', repo]);
    const built = await timeIt(() => buildHistory(repo, { commits: COMMITS }));
    lines.push(
      `repository: ${built.value.commits.toLocaleString('en')} commits (${built.value.merges.toLocaleString('en')} merges), built with git fast-import in ${fmt(built.ms / 1000)} s`,
    );
    step('log', repo); // warms the page cache for both sides
    for (const engine of ['duckdb', 'postgres'] as BenchEngine[]) {
      const base = step('log', repo);
      const pg = engine === 'postgres' ? await freshPostgresDatabase('million') : null;
      try {
        const run = step('collect', repo, pg?.url ?? join(dir, `${engine}.duckdb`));
        if (run.commits !== built.value.commits)
          throw new Error(`${engine}: ingested ${run.commits} commits, expected ${built.value.commits}`);
        lines.push(
          `${engine}: pitwall collect git ${fmt(run.ms / 1000)} s (${Math.round(run.commits / (run.ms / 1000)).toLocaleString('en')} commits/s), peak RSS ${fmt(run.maxRssMb, 0)} MB (goal <= 300); baseline git log --numstat --all ${fmt(base.ms / 1000)} s (its Node reader ${fmt(base.maxRssMb, 0)} MB); ratio ${fmt(run.ms / base.ms, 2)} (goal <= 1.15); then enrichment ${fmt(run.enrichMs! / 1000)} s, peak RSS ${fmt(run.enrichMaxRssMb!, 0)} MB`,
        );
      } finally {
        await pg?.drop();
      }
    }
    return { name: 'git-million', lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
