import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { registerAgent } from './commands/agent.js';
import { registerAnnotate } from './commands/annotate.js';
import { registerExport } from './commands/export.js';
import { registerImpact } from './commands/impact.js';
import { registerExperiment } from './commands/experiment.js';
import { registerRetention } from './commands/retention.js';
import { registerCi } from './commands/ci.js';
import { registerCollect } from './commands/collect.js';
import { registerCorrelate } from './commands/correlate.js';
import { registerRoi } from './commands/roi.js';
import { registerCollectors } from './commands/collectors.js';
import { registerDemo } from './commands/demo.js';
import { registerDigest } from './commands/digest.js';
import { registerPrometheus } from './commands/prometheus.js';
import { registerMonitors } from './commands/monitors.js';
import { registerDashboards } from './commands/dashboards.js';
import { registerDora } from './commands/dora.js';
import { registerDxi } from './commands/dxi.js';
import { registerMetrics } from './commands/metrics.js';
import { registerPoints } from './commands/points.js';
import { registerRecord } from './commands/record.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerServe } from './commands/serve.js';
import { registerTests } from './commands/tests.js';
import { registerToken } from './commands/token.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** Every CLI command, one file each under src/cli/commands/. */
export const commands: RegisterCommand[] = [
  registerMetrics,
  registerRecord,
  registerReport,
  registerDora,
  registerDxi,
  registerCi,
  registerCollect,
  registerCollectors,
  registerDemo,
  registerTests,
  registerServe,
  registerToken,
  registerAgent,
  registerRun,
  registerAnnotate,
  registerImpact,
  registerExperiment,
  registerExport,
  registerRetention,
  registerPoints,
  registerCorrelate,
  registerRoi,
  registerDigest,
  registerPrometheus,
  registerMonitors,
  registerDashboards,
];
