import { agentSyncBench } from './agent-sync.js';
import { gitIngestBench } from './git-ingest.js';
import { gitMillionBench } from './git-million.js';
import { githubCollectBench } from './github-collect.js';
import { gitlabCollectBench } from './gitlab-collect.js';
import { hookLatencyBench } from './hook-latency.js';
import { innerLoopBench } from './inner-loop.js';
import { junitMemoryBench } from './junit-memory.js';
import { loadReportBench } from './load-report.js';
import { otlpBench } from './otlp.js';
import { parquetBench } from './parquet.js';
import { readersUnderIngestBench } from './readers-under-ingest.js';
import { redactionBench } from './redaction.js';
import { runNetworkBench } from './run-network.js';
import { serverBench } from './server.js';
import { statsdBench } from './statsd.js';
import type { BenchResult } from './harness.js';

/** `npm run bench [name...]`: runs every benchmark (or those named) and prints their figures. */
const benches: Record<string, () => Promise<BenchResult>> = {
  'agent-sync': agentSyncBench,
  'git-ingest': gitIngestBench,
  'git-million': gitMillionBench,
  'github-collect': githubCollectBench,
  'gitlab-collect': gitlabCollectBench,
  'hook-latency': hookLatencyBench,
  'inner-loop': innerLoopBench,
  'junit-memory': junitMemoryBench,
  'load-report': loadReportBench,
  otlp: otlpBench,
  parquet: parquetBench,
  'readers-under-ingest': readersUnderIngestBench,
  redaction: redactionBench,
  'run-network': runNetworkBench,
  server: serverBench,
  statsd: statsdBench,
};

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : Object.keys(benches);
for (const name of names) {
  const run = benches[name];
  if (!run) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  const result = await run();
  console.log(`\n## ${result.name}`);
  for (const l of result.lines) console.log(l);
}
