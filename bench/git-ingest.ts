import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/plugins.js';
import { LOG_ARGS, gitCollector } from '../src/collectors/git/collector.js';
import { prepareCollector } from '../src/collectors/run.js';
import { openStore } from '../src/store/open.js';
import { buildHistory } from './git-history.js';
import { fmt, timeIt, type BenchResult } from './harness.js';

const COMMITS = 50_000;
const ROUNDS = 3;
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/** Runs git with its stdout drained through a pipe (as Pitwall reads it) and thrown away; returns bytes. */
function gitDrained(dir: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
    let bytes = 0;
    child.stdout.on('data', (b: Buffer) => (bytes += b.length));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(bytes) : reject(new Error(`git exited ${code}`))));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Pitwall's whole git ingest (spawn + stream parse + validate + upsert + cursor) into a fresh
 * DuckDB store, against `git log --numstat --all` alone, on a 50,000-commit repository.
 */
export async function gitIngestBench(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-bench-git-'));
  const lines: string[] = [];
  try {
    const repo = join(dir, 'repo.git');
    await gitDrained(dir, ['init', '-q', '--bare', repo]);
    const built = await timeIt(() => buildHistory(repo, { commits: COMMITS }));
    lines.push(
      `repository: ${built.value.commits} commits (${built.value.merges} merges), built with git fast-import in ${fmt(built.ms / 1000)}s`,
    );
    const config = loadConfig({ cwd: dir, env: {} });
    await gitDrained(repo, ['log', '--numstat', '--all']); // warm the page cache for both sides

    // Pitwall's own git invocation alone (merge diffs, format with bodies): how much is git's.
    const ownFlags = [...LOG_ARGS.filter((a) => a !== '--stdin'), '--all'];
    const baseline: number[] = [];
    const gitOnly: number[] = [];
    const pitwall: number[] = [];
    const withLines: number[] = [];
    let lineRecords = 0;
    let commits = 0;
    let noop = 0;
    for (let round = 0; round < ROUNDS; round++) {
      baseline.push((await timeIt(() => gitDrained(repo, ['log', '--numstat', '--all']))).ms);
      gitOnly.push((await timeIt(() => gitDrained(repo, ownFlags))).ms);
      const store = await openStore({ duckdbPath: join(dir, `round${round}.duckdb`) });
      try {
        const run = await timeIt(async () => {
          const job = await prepareCollector(
            gitCollector,
            { path: repo, name: 'bench/synthetic' },
            { config, env: {}, cwd: dir, logger: quiet },
          );
          return job.run({ store, config, logger: quiet });
        });
        pitwall.push(run.ms);
        commits = run.value.written.commit ?? 0;
        const again = await timeIt(async () => {
          const job = await prepareCollector(
            gitCollector,
            { path: repo, name: 'bench/synthetic' },
            { config, env: {}, cwd: dir, logger: quiet },
          );
          return job.run({ store, config, logger: quiet });
        });
        if (again.value.total !== 0) throw new Error('an unchanged repository wrote records');
        noop = again.ms;
      } finally {
        await store.close();
      }
      // The same ingest with git.added_lines on (diff coverage): its second, narrow git pass.
      const linesConfig = { ...config, git: { ...config.git, added_lines: true } };
      const linesStore = await openStore({ duckdbPath: join(dir, `round${round}-lines.duckdb`) });
      try {
        const run = await timeIt(async () => {
          const job = await prepareCollector(
            gitCollector,
            { path: repo, name: 'bench/synthetic' },
            { config: linesConfig, env: {}, cwd: dir, logger: quiet },
          );
          return job.run({ store: linesStore, config: linesConfig, logger: quiet });
        });
        withLines.push(run.ms);
        lineRecords = run.value.written.commit_lines ?? 0;
      } finally {
        await linesStore.close();
      }
    }
    if (commits !== built.value.commits)
      throw new Error(`ingested ${commits} commits, expected ${built.value.commits}`);
    const b = median(baseline);
    const p = median(pitwall);
    lines.push(`git log --numstat --all (output discarded): ${fmt(b / 1000, 2)}s (median of ${ROUNDS})`);
    lines.push(
      `pitwall collect git into a fresh DuckDB:     ${fmt(p / 1000, 2)}s (median of ${ROUNDS}; ${Math.round(commits / (p / 1000))} commits/s)`,
    );
    lines.push(`ratio: ${fmt(p / b, 2)} (goal <= 1.25)`);
    lines.push(
      `with git.added_lines (added lines of ${lineRecords} PR-landing commits): ${fmt(median(withLines) / 1000, 2)}s; ratio ${fmt(median(withLines) / b, 2)}, ${fmt(median(withLines) / p, 2)} x without`,
    );
    lines.push(
      `breakdown: git log with Pitwall's flags alone ${fmt(median(gitOnly) / 1000, 2)}s; incremental re-run with nothing new ${fmt(noop)}ms`,
    );
    return { name: 'git-ingest', lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
