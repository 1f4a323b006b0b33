/**
 * One measured step of the git-million benchmark, in its own process so its peak RSS is its own.
 * argv: collect REPO STORE (STORE: a DuckDB path or a PostgreSQL URL) | log REPO (the baseline,
 * `git log --numstat --all` drained by Node as the collector reads git); prints one JSON line.
 */
import { spawn } from 'node:child_process';

const [mode, repo, db] = process.argv.slice(2) as [string, string, string | undefined];
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;
const t0 = performance.now();

if (mode === 'log') {
  const bytes = await new Promise<number>((resolve, reject) => {
    const child = spawn('git', ['log', '--numstat', '--all'], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let n = 0;
    child.stdout.on('data', (b: Buffer) => (n += b.length));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(n) : reject(new Error(`git exited ${code}`))));
  });
  console.log(JSON.stringify({ bytes, ms: performance.now() - t0, maxRssMb: maxRssMb() }));
} else if (mode === 'collect') {
  // The collection as `pitwall collect git --path REPO` runs it, then its enrichment pass.
  const { loadConfig } = await import('../src/config/load.js');
  const { prepareCollector } = await import('../src/collectors/run.js');
  const { gitCollector } = await import('../src/collectors/git/collector.js');
  const { openStore } = await import('../src/store/open.js');
  const config = loadConfig({ cwd: process.cwd(), env: {} });
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined };
  const store = await openStore(
    db!.startsWith('postgres')
      ? { databaseUrl: db! }
      : { duckdbPath: db!, duckdbMemoryLimit: process.env.PITWALL_DUCKDB_MEMORY },
  );
  const opened = performance.now();
  try {
    const job = await prepareCollector(
      gitCollector,
      { path: repo, name: 'bench/million' },
      { config, env: {}, cwd: process.cwd(), logger: quiet },
    );
    const summary = await job.run({ store, config, logger: quiet });
    const collected = performance.now();
    const collectRssMb = maxRssMb();
    // What `pitwall collect git` does next: the derived tables (deliveries, hotfixes, ...).
    const { ensureFresh } = await import('../src/enrich/index.js');
    await ensureFresh(store, config);
    console.log(
      JSON.stringify({
        commits: summary.written.commit ?? 0,
        ms: collected - opened,
        maxRssMb: collectRssMb,
        enrichMs: performance.now() - collected,
        enrichMaxRssMb: maxRssMb(),
      }),
    );
  } finally {
    await store.close();
  }
} else {
  console.error(`unknown mode ${mode}: log REPO | collect REPO STORE`);
  process.exit(2);
}
