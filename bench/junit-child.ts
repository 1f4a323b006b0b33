/**
 * One measured step of the junit-memory benchmark, in its own process so its peak RSS is its own.
 * argv: start | open STORE | sax REPORT | collect REPORT STORE, where STORE is a DuckDB path or a
 * PostgreSQL URL; prints one JSON line.
 */
import { createReadStream } from 'node:fs';
import { SaxesParser } from 'saxes';

const [mode, ...args] = process.argv.slice(2) as [string, ...string[]];
// `open` takes only the store; `sax` only the report; `collect` the report, then the store.
const report = mode === 'open' ? undefined : args[0];
const db = mode === 'open' ? args[0] : args[1];
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;
const t0 = performance.now();

if (mode === 'sax') {
  // Baseline: the XML parser alone over the same file, no handler, nothing kept.
  const parser = new SaxesParser({ xmlns: false, position: true });
  let elements = 0;
  parser.on('opentag', () => elements++);
  for await (const chunk of createReadStream(report!, { encoding: 'utf8', highWaterMark: 256 * 1024 }))
    parser.write(chunk as string);
  parser.close();
  console.log(JSON.stringify({ elements, ms: performance.now() - t0, maxRssMb: maxRssMb() }));
} else if (mode === 'collect') {
  // The collection as `pitwall collect junit FILE` runs it: both passes, one load.
  const { loadConfig } = await import('../src/config/load.js');
  const { prepareCollector } = await import('../src/collectors/run.js');
  const { junitCollector } = await import('../src/collectors/junit/collector.js');
  const { openStore } = await import('../src/store/open.js');
  const config = loadConfig({ cwd: process.cwd(), env: {} });
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined };
  const job = await prepareCollector(
    junitCollector,
    { paths: [report!], cwd: process.cwd() },
    { config, env: {}, cwd: process.cwd(), logger: quiet },
  );
  const store = await openStore(
    db!.startsWith('postgres')
      ? { databaseUrl: db! }
      : { duckdbPath: db!, duckdbMemoryLimit: process.env.PITWALL_DUCKDB_MEMORY },
  );
  try {
    const summary = await job.run({ store, config, logger: quiet });
    console.log(JSON.stringify({ tests: summary.total, ms: performance.now() - t0, maxRssMb: maxRssMb() }));
  } finally {
    await store.close();
  }
} else if (mode === 'open') {
  // Baseline: a fresh store opened (and migrated) by the same modules, then closed: no report read.
  await import('../src/collectors/junit/collector.js');
  await import('../src/collectors/run.js');
  const { openStore } = await import('../src/store/open.js');
  const store = await openStore(
    db!.startsWith('postgres')
      ? { databaseUrl: db! }
      : { duckdbPath: db!, duckdbMemoryLimit: process.env.PITWALL_DUCKDB_MEMORY },
  );
  await store.close();
  console.log(JSON.stringify({ ms: performance.now() - t0, maxRssMb: maxRssMb() }));
} else {
  // Baseline: a process that loads the collector and a store and exits: the cost before reading.
  await import('../src/collectors/junit/collector.js');
  await import('../src/collectors/run.js');
  await import('../src/store/open.js');
  console.log(JSON.stringify({ ms: performance.now() - t0, maxRssMb: maxRssMb() }));
}
